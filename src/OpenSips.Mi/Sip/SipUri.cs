using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi.Sip;

/// <summary>A syntax check of sip:, sips: and tel: URIs (RFC 3261 section 19.1, RFC 3966), enough to catch what OpenSIPS refuses as "Invalid ruri".</summary>
internal static class SipUri
{
    /// <summary>Checks a URI; <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryValidate(string? uri, bool allowTel, out string problem)
    {
        if (string.IsNullOrEmpty(uri))
        {
            problem = "it is empty";
            return false;
        }

        foreach (var c in uri)
        {
            if (c <= ' ' || c == '\u007f' || c is '<' or '>' or '"')
            {
                problem = c <= ' ' || c == '\u007f' ? "it contains a space or control character" : $"it contains '{c}'; give the bare URI without angle brackets or display name";
                return false;
            }
        }

        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? uri[..colon] : string.Empty;
        var rest = colon > 0 ? uri[(colon + 1)..] : string.Empty;
        if (scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) || scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            return TryValidateSip(rest, out problem);
        }

        if (allowTel && scheme.Equals("tel", StringComparison.OrdinalIgnoreCase))
        {
            return TryValidateTel(rest, out problem);
        }

        problem = colon <= 0 ? "it has no scheme" : $"the scheme '{scheme}' is not supported";
        return false;
    }

    private static bool TryValidateSip(string rest, out string problem)
    {
        // '@' appears unescaped only between the userinfo and the host; the user part may contain ';' and '?' starts headers.
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        var main = question < 0 ? rest : rest[..question];
        var at = main.LastIndexOf('@');
        if (at == 0)
        {
            problem = "the user part before '@' is empty";
            return false;
        }

        var hostPart = at < 0 ? main : main[(at + 1)..];
        var semicolon = hostPart.IndexOf(';', StringComparison.Ordinal);
        return TryValidateHostPort(semicolon < 0 ? hostPart : hostPart[..semicolon], out problem);
    }

    /// <summary>Checks <c>host[:port]</c> where host is a name, an IPv4 address or a bracketed IPv6 address.</summary>
    public static bool TryValidateHostPort(string hostPort, out string problem)
    {
        string host;
        string? port = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                problem = "the IPv6 address has no closing ']'";
                return false;
            }

            host = hostPort[1..close];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                problem = $"'{host}' is not an IPv6 address";
                return false;
            }

            var after = hostPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    problem = "unexpected text after the IPv6 address";
                    return false;
                }

                port = after[1..];
            }
        }
        else
        {
            var colon = hostPort.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? hostPort : hostPort[..colon];
            port = colon < 0 ? null : hostPort[(colon + 1)..];
            if (!IsHostName(host))
            {
                problem = host.Length == 0 ? "the host is empty" : $"'{host}' is not a host name or IPv4 address";
                return false;
            }
        }

        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535))
        {
            problem = $"the port '{port}' is not a number from 1 to 65535";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    private static bool IsHostName(string host)
    {
        if (host.Length == 0 || host.Length > 255)
        {
            return false;
        }

        var labels = host.EndsWith('.') ? host[..^1].Split('.') : host.Split('.');
        foreach (var label in labels)
        {
            if (label.Length == 0 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool TryValidateTel(string rest, out string problem)
    {
        var semicolon = rest.IndexOf(';', StringComparison.Ordinal);
        var number = semicolon < 0 ? rest : rest[..semicolon];
        var digits = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var c = number[i];
            if (c == '+' && i == 0)
            {
                continue;
            }

            if (char.IsAsciiHexDigit(c) || c is '*' or '#')
            {
                digits++;
            }
            else if (c is not ('-' or '.' or '(' or ')'))
            {
                problem = $"'{c}' is not allowed in a telephone number";
                return false;
            }
        }

        if (digits == 0)
        {
            problem = "the telephone number has no digits";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
