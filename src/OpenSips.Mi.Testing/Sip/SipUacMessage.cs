using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenSips.Mi.Testing;

/// <summary>Builds tm's UAC request bytes and reads SIP replies, as observed on OpenSIPS 3.6.8 (docs/wire-facts.md#uac).</summary>
internal static partial class SipUacMessage
{
    private static readonly Dictionary<string, string> Compact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["f"] = "From", ["t"] = "To", ["i"] = "Call-ID",
    };

    /// <summary>
    /// The request: request line, Via, To, From (tag added when missing), CSeq (10 unless given), Call-ID (generated
    /// unless given), Max-Forwards 70, Content-Length, User-Agent, then every other caller line verbatim (with its own
    /// line end, so LF-only lines stay LF as OpenSIPS sends them), the blank line and the body.
    /// </summary>
    public static byte[] Build(MiUacRequest request, IPEndPoint local, string branch, string userAgent)
    {
        var hostPort = string.Create(CultureInfo.InvariantCulture, $"{local.Address}:{local.Port}");
        var headers = request.Headers.Replace("!!", hostPort, StringComparison.Ordinal);
        string? from = null, to = null, cseq = null, callId = null;
        var rest = new StringBuilder();
        var start = 0;
        while (start < headers.Length)
        {
            var newline = headers.IndexOf('\n', start);
            var end = newline < 0 ? headers.Length : newline + 1;
            var raw = headers[start..end];
            start = end;
            var line = raw.TrimEnd('\n').TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            name = Compact.TryGetValue(name, out var full) ? full : name;
            var value = line[(colon + 1)..].Trim();
            switch (name.ToUpperInvariant())
            {
                case "FROM":
                    from ??= value;
                    break;
                case "TO":
                    to ??= value;
                    break;
                case "CSEQ":
                    cseq ??= value;
                    break;
                case "CALL-ID":
                    callId ??= value;
                    break;
                default:
                    rest.Append(raw);
                    break;
            }
        }

        if (from is not null && !TagParam().IsMatch(from))
        {
            from += ";tag=" + Hex(16) + "-" + Hex(2);
        }

        cseq ??= "10 " + request.Method;
        callId ??= string.Create(CultureInfo.InvariantCulture, $"{Hex(8)}-{Environment.ProcessId}@{local.Address}");
        var body = request.Body ?? string.Empty;
        var text = new StringBuilder()
            .Append(request.Method).Append(' ').Append(request.Ruri).Append(" SIP/2.0\r\n")
            .Append("Via: SIP/2.0/UDP ").Append(hostPort).Append(";branch=").Append(branch).Append("\r\n")
            .Append("To: ").Append(to).Append("\r\n")
            .Append("From: ").Append(from).Append("\r\n")
            .Append("CSeq: ").Append(cseq).Append("\r\n")
            .Append("Call-ID: ").Append(callId).Append("\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("User-Agent: ").Append(userAgent).Append("\r\n")
            .Append(rest)
            .Append("\r\n")
            .Append(body);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Host and port of a sip:/sips: URI when the host is on loopback (127.0.0.0/8 or localhost); otherwise null (never sent).</summary>
    public static IPEndPoint? Destination(string uri)
    {
        var match = UriHostPort().Match(uri);
        if (!match.Success)
        {
            return null;
        }

        var host = match.Groups["host"].Value;
        var port = match.Groups["port"].Success ? int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture) : 5060;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && port is > 0 and < 65536
            ? new IPEndPoint(address, port)
            : null;
    }

    /// <summary>Reads a reply's status (<c>200 OK</c>), the text after the status line (the MI <c>Message</c>) and the top Via branch.</summary>
    public static bool TryParseReply(string text, out int code, out string status, out string message, out string branch)
    {
        code = 0;
        status = message = branch = string.Empty;
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || !text.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
        {
            return false;
        }

        status = text[8..newline].TrimEnd('\r');
        message = text[(newline + 1)..];
        if (status.Length < 3 || !int.TryParse(status.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out code))
        {
            return false;
        }

        var via = TopViaBranch().Match(message);
        if (!via.Success)
        {
            return false;
        }

        branch = via.Groups["branch"].Value;
        return true;
    }

    private static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    [GeneratedRegex(@";\s*tag\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagParam();

    [GeneratedRegex(@"^sips?:(?:[^@]*@)?(?<host>\[[^\]]+\]|[^:;?]+)(?::(?<port>\d{1,5}))?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriHostPort();

    [GeneratedRegex(@"^(?:Via|v)\s*:[^\r\n]*?;\s*branch=(?<branch>[^;,\s]+)", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TopViaBranch();
}
