using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi.Trace;

/// <summary>Parses <see cref="MiTraceOptions.Listen"/> and builds the HEP URI given to <c>trace_start</c>.</summary>
internal sealed record HepListenAddress(MiTraceTransport Transport, IPEndPoint Bind)
{
    private const string Forms = "expected udp://HOST:PORT or tcp://HOST:PORT with an IPv4 HOST, e.g. udp://127.0.0.1:0";

    public static HepListenAddress Parse(string listen)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listen, nameof(MiTraceOptions.Listen));
        var schemeEnd = listen.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? string.Empty : listen[..schemeEnd].ToUpperInvariant();
        if (scheme is not ("UDP" or "TCP"))
        {
            throw Bad(listen, schemeEnd < 0 ? "no scheme" : $"unknown scheme '{listen[..schemeEnd]}'");
        }

        var rest = listen[(schemeEnd + 3)..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(rest[..colon], out var ip) || !ushort.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw Bad(listen, "HOST must be an IP address and PORT a number (0 picks a free port)");
        }

        if (ip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw Bad(listen, "OpenSIPS's HEP URIs cannot carry an IPv6 address (proto_hep splits host and port at the first colon)");
        }

        return new HepListenAddress(scheme == "UDP" ? MiTraceTransport.Udp : MiTraceTransport.Tcp, new IPEndPoint(ip, port));
    }

    /// <summary>Refuses what OpenSIPS could not send to or what would break the HEP URI.</summary>
    public static void CheckAdvertisedHost(string host)
    {
#pragma warning disable CA2208 // The parameter name is the option the user set, MiTraceOptions.AdvertisedHost.
        if (string.IsNullOrWhiteSpace(host) || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '[' or ']' or ':' or ';' or '='))
        {
            throw new ArgumentException($"AdvertisedHost '{host}' is not an IPv4 address or host name.", nameof(MiTraceOptions.AdvertisedHost));
        }

        if (IPAddress.TryParse(host, out var a) && a.Equals(IPAddress.Any))
        {
            throw new ArgumentException("AdvertisedHost cannot be 0.0.0.0: OpenSIPS cannot send HEP there; give the address it should use.", nameof(MiTraceOptions.AdvertisedHost));
        }
#pragma warning restore CA2208
    }

    /// <summary>The <c>trace_start</c> URI: <c>hep:HOST:PORT;transport=udp|tcp;version=3</c>.</summary>
    public string Uri(EndPoint bound, string? advertisedHost, int? advertisedPort)
    {
        var ip = (IPEndPoint)bound;
        var host = advertisedHost ?? ip.Address.ToString();
        if (IPAddress.TryParse(host, out var address) && address.Equals(IPAddress.Any))
        {
            throw new ArgumentException(
                $"The HEP listener is bound to {ip.Address}, which OpenSIPS cannot send to: set MiTraceOptions.AdvertisedHost to the address OpenSIPS should use.",
                nameof(advertisedHost));
        }

        var transport = Transport == MiTraceTransport.Udp ? "udp" : "tcp";
        return string.Create(CultureInfo.InvariantCulture, $"hep:{host}:{advertisedPort ?? ip.Port};transport={transport};version=3");
    }

    private static ArgumentException Bad(string listen, string why) =>
#pragma warning disable CA2208 // The message and parameter name the option the user set, MiTraceOptions.Listen.
        new($"Invalid MiTraceOptions.Listen '{listen}': {why}; {Forms}.", nameof(MiTraceOptions.Listen));
#pragma warning restore CA2208
}
