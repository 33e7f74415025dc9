using System.Globalization;
using System.Net;

namespace OpenSips.Mi.Testing;

/// <summary>A subscriber socket as <c>event_subscribe</c> takes it: <c>udp:host:port</c>, <c>tcp:host:port[/method]</c>, <c>unix:/path</c>.</summary>
internal sealed record EventSubscriberSocket(string Proto, string Host, int Port, string? Method, string? Path)
{
    /// <summary>Where the TCP connection goes (the /method suffix does not make another connection, docs/wire-facts.md#ev-stream).</summary>
    public string ConnectionKey => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    public static EventSubscriberSocket? Parse(string socket)
    {
        if (socket.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = socket["unix:".Length..];
            return path.Length > 1 && path[0] == '/' ? new EventSubscriberSocket("unix", string.Empty, 0, null, path) : null;
        }

        var colon = socket.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var proto = socket[..colon];
        if (proto is not ("udp" or "tcp"))
        {
            return null;
        }

        var rest = socket[(colon + 1)..];
        string? method = null;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            method = rest[(slash + 1)..];
            rest = rest[..slash];
        }

        var portAt = rest.LastIndexOf(':');
        if (portAt <= 0 || portAt < rest.LastIndexOf(']')
            || !int.TryParse(rest[(portAt + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        var host = rest[..portAt].Trim('[', ']');
        return host.Length == 0 ? null : new EventSubscriberSocket(proto, host, port, string.IsNullOrEmpty(method) ? null : method, null);
    }

    public async Task<IPEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Host, out var ip))
        {
            return new IPEndPoint(ip, Port);
        }

        var addresses = await Dns.GetHostAddressesAsync(Host, cancellationToken).ConfigureAwait(false);
        return new IPEndPoint(addresses[0], Port);
    }
}
