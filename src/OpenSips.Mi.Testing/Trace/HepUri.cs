using System.Globalization;
using System.Net;

namespace OpenSips.Mi.Testing;

/// <summary>
/// proto_hep's HEP destination (<c>new_hep_id</c>): <c>HOST[:PORT]</c> then <c>;transport=udp|tcp|tls</c> and
/// <c>;version=1|2|3</c> in any order (names case-sensitive, values not), port 9060, version 3 and transport tcp by
/// default; HEPv1/v2 fall back to UDP. Only loopback or <c>localhost</c> targets are sent to (nothing leaves the machine).
/// </summary>
internal sealed record HepUri(string HostPort, IPEndPoint? Target, string Transport, int Version)
{
    public static HepUri? Parse(string text)
    {
        var parts = text.Split(';').Select(p => p.Trim()).Where(p => p.Length > 0).ToArray();
        if (parts.Length == 0 || parts[0].Contains('=', StringComparison.Ordinal))
        {
            return null;
        }

        string? transport = null;
        var version = 3;
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var value = eq > 0 ? part[(eq + 1)..].Trim() : string.Empty;
            switch (eq > 0 ? part[..eq].Trim() : part)
            {
                case "transport" when value.ToUpperInvariant() is "UDP" or "TCP" or "TLS":
                    transport = value.ToLowerInvariant();
                    break;
                case "version" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 3:
                    version = v;
                    break;
                default:
                    return null;
            }
        }

        var hostPort = parts[0];
        var colon = hostPort.IndexOf(':', StringComparison.Ordinal);
        var host = colon < 0 ? hostPort : hostPort[..colon];
        var port = 9060;
        if (colon >= 0 && !int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            return null;
        }

        transport ??= "tcp";
        if (version < 3)
        {
            transport = "udp";
        }

        IPEndPoint? target = null;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            target = new IPEndPoint(IPAddress.Loopback, port);
        }
        else if (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip) && port is > 0 and < 65536)
        {
            target = new IPEndPoint(ip, port);
        }

        return new HepUri(host + ":" + (colon < 0 ? "9060" : hostPort[(colon + 1)..]), target, transport, version);
    }
}
