using System.Globalization;
using System.Net;

namespace OpenSips.Mi;

/// <summary>Parses <see cref="MiSubscriptionOptions.Listen"/> and builds the socket string given to <c>event_subscribe</c>.</summary>
internal sealed record EventSocketAddress(MiEventListenerKind Kind, IPEndPoint? Bind, string? UnixPath, string? Method)
{
    private const string Forms = "expected udp://HOST:PORT, tcp://HOST:PORT[/method] or unix:///path, e.g. udp://127.0.0.1:0";

    public static EventSocketAddress Parse(string listen)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listen, nameof(MiSubscriptionOptions.Listen));
        var schemeEnd = listen.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            throw Bad(listen, "no scheme");
        }

        var scheme = listen[..schemeEnd].ToUpperInvariant();
        var rest = listen[(schemeEnd + 3)..];
        switch (scheme)
        {
            case "UNIX":
                if (rest.Length < 2 || rest[0] != '/')
                {
                    throw Bad(listen, "the unix socket path must be absolute (unix:///run/app/events.sock)");
                }

                return new EventSocketAddress(MiEventListenerKind.UnixDatagram, null, rest, null);
            case "UDP":
            case "TCP":
                var kind = scheme == "UDP" ? MiEventListenerKind.Udp : MiEventListenerKind.Tcp;
                string? method = null;
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0)
                {
                    method = rest[(slash + 1)..];
                    rest = rest[..slash];
                    if (kind == MiEventListenerKind.Udp)
                    {
                        throw Bad(listen, "only tcp:// takes a /method suffix");
                    }

                    if (method.Length == 0 || method.Any(c => char.IsWhiteSpace(c) || c is '/' or ':' || char.IsControl(c)))
                    {
                        throw Bad(listen, "the /method suffix must be a plain name");
                    }
                }

                if (!IPEndPoint.TryParse(rest, out var endPoint) || !HasPort(rest))
                {
                    throw Bad(listen, "HOST must be an IP address and PORT a number (0 picks a free port)");
                }

                return new EventSocketAddress(kind, endPoint, null, method);
            default:
                throw Bad(listen, $"unknown scheme '{listen[..schemeEnd]}'");
        }
    }

    /// <summary>The <c>event_subscribe</c> socket: <c>udp:127.0.0.1:PORT</c>, <c>tcp:HOST:PORT[/method]</c> or <c>unix:/path</c>.</summary>
    public string Advertise(EndPoint bound, string? advertisedHost, int? advertisedPort)
    {
        if (Kind == MiEventListenerKind.UnixDatagram)
        {
            return "unix:" + UnixPath;
        }

        var ip = (IPEndPoint)bound;
        var host = advertisedHost ?? ip.Address.ToString();
        if (IPAddress.TryParse(host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            throw new ArgumentException(
                $"The listener is bound to {ip.Address}, which OpenSIPS cannot send to: set MiSubscriptionOptions.AdvertisedHost to the address OpenSIPS should use.",
                nameof(advertisedHost));
        }

        var scheme = Kind == MiEventListenerKind.Udp ? "udp:" : "tcp:";
        var text = scheme + FormatHostPort(host, advertisedPort ?? ip.Port);
        return Method is null ? text : text + "/" + Method;
    }

    public static string FormatHostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{host}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");

    private static bool HasPort(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        var bracket = hostPort.LastIndexOf(']');
        return colon > 0 && colon > bracket;
    }

    private static ArgumentException Bad(string listen, string why) =>
#pragma warning disable CA2208 // The message and parameter name the option the user set, MiSubscriptionOptions.Listen.
        new($"Invalid MiSubscriptionOptions.Listen '{listen}': {why}; {Forms}.", nameof(MiSubscriptionOptions.Listen));
#pragma warning restore CA2208
}
