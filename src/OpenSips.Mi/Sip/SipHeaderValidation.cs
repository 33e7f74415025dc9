using System.Globalization;

namespace OpenSips.Mi.Sip;

/// <summary>
/// The checks made before a <c>t_uac_dlg</c> request leaves the client, so that what OpenSIPS would refuse (or, worse,
/// silently put on the wire malformed) is refused here with an <see cref="ArgumentException"/> naming the header.
/// </summary>
internal static class SipHeaderValidation
{
    /// <summary>RFC 3261 compact header forms (plus RFC 3265/3515/3892/4028 ones OpenSIPS knows) and their long names.</summary>
    private static readonly Dictionary<string, string> CompactForms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["i"] = "Call-ID",
        ["m"] = "Contact",
        ["e"] = "Content-Encoding",
        ["l"] = "Content-Length",
        ["c"] = "Content-Type",
        ["f"] = "From",
        ["s"] = "Subject",
        ["k"] = "Supported",
        ["t"] = "To",
        ["v"] = "Via",
        ["o"] = "Event",
        ["u"] = "Allow-Events",
        ["r"] = "Refer-To",
        ["b"] = "Referred-By",
        ["x"] = "Session-Expires",
    };

    private static readonly string[] SocketProtocols = ["udp", "tcp", "tls", "sctp", "ws", "wss", "bin", "bins", "hep_udp", "hep_tcp", "smpp", "msrp", "msrps"];

    /// <summary>The long form of a header name (compact <c>f</c> → <c>From</c>); other names are returned as given.</summary>
    public static string Canonical(string name) => CompactForms.TryGetValue(name, out var full) ? full : name;

    /// <summary>True when two header names denote the same header (case-insensitive, compact forms count).</summary>
    public static bool SameHeader(string a, string b) => string.Equals(Canonical(a), Canonical(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>RFC 3261 <c>token</c>: alphanumerics and <c>-.!%*_+`'~</c>, at least one character.</summary>
    public static bool IsToken(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    /// <summary>Checks one header line's name and value (used when a header is added).</summary>
    public static void ValidateHeader(string name, string value, string paramName)
    {
        if (name is null)
        {
            throw new ArgumentNullException(paramName, "A SIP header name is null.");
        }

        if (value is null)
        {
            throw new ArgumentNullException(paramName, $"The value of SIP header '{Printable(name)}' is null: pass an empty string for an empty header.");
        }

        if (!IsToken(name))
        {
            throw new ArgumentException(
                $"The SIP header name '{Printable(name)}' is not a SIP token: names are letters, digits and -.!%*_+`'~ only (RFC 3261 section 25.1), without spaces or a colon.",
                paramName);
        }

        CheckText(value, $"SIP header '{name}'", paramName);
    }

    /// <summary>Refuses CR, LF and NUL (header injection) and the two-character escapes <c>\r</c>/<c>\n</c>, which OpenSIPS turns into line breaks in <c>headers</c> (docs/wire-facts.md#uac-headers).</summary>
    public static void CheckText(string value, string what, string paramName)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\r' or '\n' or '\0')
            {
                var which = c switch { '\r' => "a carriage return (CR)", '\n' => "a line feed (LF)", _ => "a NUL character" };
                throw new ArgumentException(
                    $"The value of {what} contains {which} at position {i.ToString(CultureInfo.InvariantCulture)}: header values must be one line, otherwise they would inject extra SIP headers. Give each header as its own entry.",
                    paramName);
            }

            if (c == '\\' && i + 1 < value.Length && value[i + 1] is 'r' or 'n' or 'R' or 'N')
            {
                throw new ArgumentException(
                    $"The value of {what} contains the escape '\\{value[i + 1]}' at position {i.ToString(CultureInfo.InvariantCulture)}: OpenSIPS turns '\\r' and '\\n' in t_uac_dlg headers into real line breaks, which would inject extra SIP headers.",
                    paramName);
            }
        }
    }

    /// <summary>Checks a complete request before it is sent.</summary>
    public static void ValidateRequest(string method, string requestUri, SipHeaders headers, string? nextHop, string? socket, string? body)
    {
        if (!IsToken(method))
        {
            throw new ArgumentException(
                $"The SIP method '{Printable(method ?? string.Empty)}' is not a SIP token (RFC 3261): use a method name such as NOTIFY, MESSAGE, OPTIONS or PUBLISH.",
                nameof(method));
        }

        if (!SipUri.TryValidate(requestUri, allowTel: true, out var uriProblem))
        {
            throw new ArgumentException($"The request URI '{Printable(requestUri ?? string.Empty)}' is not a sip:, sips: or tel: URI ({uriProblem}); for example sip:alice@192.0.2.10:5060.", nameof(requestUri));
        }

        if (nextHop is not null && !SipUri.TryValidate(nextHop, allowTel: false, out var hopProblem))
        {
            throw new ArgumentException($"The next hop '{Printable(nextHop)}' is not a sip: or sips: URI ({hopProblem}); for example sip:192.0.2.1:5060.", nameof(nextHop));
        }

        if (socket is not null && !IsSocket(socket))
        {
            throw new ArgumentException(
                $"The local socket '{Printable(socket)}' is not in OpenSIPS's proto:host:port form, for example udp:127.0.0.1:5060 (it must be one OpenSIPS listens on).",
                nameof(socket));
        }

        ArgumentNullException.ThrowIfNull(headers);
        var hasContentType = false;
        var hasFrom = false;
        var hasTo = false;
        foreach (var header in headers)
        {
            // Re-checked here: the collection validates on Add, but a caller may have built lines some other way.
            ValidateHeader(header.Name, header.Value, nameof(headers));
            var canonical = Canonical(header.Name);
            if (header.Name.Equals("nl", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    "The header 'nl' is the Ruby gem's trick to start a body inside the headers; it is not needed here: pass the body in the body parameter (with a Content-Type header) and OpenSIPS adds the blank line and Content-Length.",
                    nameof(headers));
            }

            if (canonical.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"The header '{header.Name}' (Content-Length) is refused: OpenSIPS rejects it with 400 \"Content-Length disallowed\" and computes it itself from the body.",
                    nameof(headers));
            }

            if (canonical.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                hasContentType = true;
            }
            else if (canonical.Equals("From", StringComparison.OrdinalIgnoreCase))
            {
                hasFrom = true;
            }
            else if (canonical.Equals("To", StringComparison.OrdinalIgnoreCase))
            {
                hasTo = true;
            }
            else if (canonical.Equals("CSeq", StringComparison.OrdinalIgnoreCase))
            {
                CheckCSeq(header.Value, method, nameof(headers));
            }
        }

        if (!hasFrom)
        {
            throw new ArgumentException("The header 'From' is missing: t_uac_dlg needs From and To (OpenSIPS answers 400 \"From missing\"), for example From: <sip:opensips@192.0.2.1>.", nameof(headers));
        }

        if (!hasTo)
        {
            throw new ArgumentException("The header 'To' is missing: t_uac_dlg needs From and To (OpenSIPS answers 400 \"To missing\"), for example To: <sip:alice@192.0.2.10>.", nameof(headers));
        }

        if (body is not null)
        {
            if (!hasContentType)
            {
                throw new ArgumentException("The header 'Content-Type' is missing: a request with a body needs one (OpenSIPS answers 400 \"Content-Type missing\"), for example Content-Type: application/simple-message-summary.", nameof(headers));
            }

            if (body.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("The body contains a NUL character, which OpenSIPS cannot carry in an MI string.", nameof(body));
            }
        }
    }

    private static void CheckCSeq(string value, string method, string paramName)
    {
        var parts = value.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException($"The header 'CSeq' ('{value}') must be '<number> {method}'.", paramName);
        }

        if (!string.Equals(parts[1], method, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The header 'CSeq' names the method '{parts[1]}' but the request is {method}: OpenSIPS answers 400 \"CSeq method mismatch\".", paramName);
        }
    }

    /// <summary>OpenSIPS socket form <c>proto:host[:port]</c>.</summary>
    private static bool IsSocket(string socket)
    {
        var colon = socket.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !SocketProtocols.Contains(socket[..colon], StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        return SipUri.TryValidateHostPort(socket[(colon + 1)..], out _);
    }

    /// <summary>A name or value with control characters made visible, for messages.</summary>
    public static string Printable(string text) =>
        text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
