using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenSips.Mi.Testing;

/// <summary>
/// What the emulated OpenSIPS does with a request it receives from itself (a <c>t_uac_dlg</c> whose next hop or
/// Request-URI is one of its own sockets), as a plain <c>t_relay()</c> route does on 3.6.8: a new top Via with its own
/// branch, Max-Forwards minus one, and on the way back the reply without that Via.
/// </summary>
internal static partial class SipRelay
{
    /// <summary>The head of a request as the tracer's filters see it.</summary>
    public static TracedRequest Describe(string message, IPAddress source)
    {
        var lines = message.Split('\n');
        var requestLine = lines[0].TrimEnd('\r').Split(' ');
        var (ruriUser, ruriHost) = UserHost(requestLine.Length > 1 ? requestLine[1] : string.Empty);
        var headers = SipHeaders.Split(string.Join('\n', lines.Skip(1).TakeWhile(l => l.TrimEnd('\r').Length > 0)));
        var (fromUser, fromHost) = UserHost(Uri(SipHeaders.Find(headers, "From") ?? string.Empty));
        var to = SipHeaders.Find(headers, "To") ?? string.Empty;
        var initialInvite = requestLine[0] == "INVITE" && !TagParam().IsMatch(to);
        return new TracedRequest(fromUser, fromHost, ruriUser, ruriHost, source, initialInvite);
    }

    /// <summary>The Call-ID of a message, or null.</summary>
    public static string? CallId(string message)
    {
        var match = CallIdHeader().Match(message);
        return match.Success ? match.Groups["v"].Value.Trim() : null;
    }

    /// <summary>The request as relayed: <paramref name="ruri"/> in the request line, a Via of <paramref name="proxy"/> on top, Max-Forwards decremented.</summary>
    public static byte[] Forward(string request, string ruri, IPEndPoint proxy, string branch)
    {
        var firstEnd = request.IndexOf("\r\n", StringComparison.Ordinal);
        var requestLine = request[..firstEnd].Split(' ');
        requestLine[1] = ruri;
        var via = string.Create(CultureInfo.InvariantCulture, $"Via: SIP/2.0/UDP {proxy.Address}:{proxy.Port};branch={branch}\r\n");
        var rest = MaxForwards().Replace(request[(firstEnd + 2)..], m => "Max-Forwards: " + Math.Max(0, int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) - 1).ToString(CultureInfo.InvariantCulture), 1);
        return Encoding.UTF8.GetBytes(string.Join(' ', requestLine) + "\r\n" + via + rest);
    }

    /// <summary>The reply passed back: the same without its top Via line.</summary>
    public static string Backward(string reply) => TopVia().Replace(reply, string.Empty, 1);

    /// <summary>A reply the emulated OpenSIPS sends itself (<c>sl_send_reply</c> style), e.g. 404 when the AOR is not registered.</summary>
    public static string LocalReply(string request, string status, string toTag, string server)
    {
        var headers = SipHeaders.Split(request[(request.IndexOf('\n', StringComparison.Ordinal) + 1)..request.IndexOf("\r\n\r\n", StringComparison.Ordinal)]);
        var to = SipHeaders.Find(headers, "To") ?? string.Empty;
        if (!TagParam().IsMatch(to))
        {
            to += ";tag=" + toTag;
        }

        return $"SIP/2.0 {status}\r\nVia: {SipHeaders.Find(headers, "Via")}\r\nTo: {to}\r\nFrom: {SipHeaders.Find(headers, "From")}\r\n" +
            $"Call-ID: {SipHeaders.Find(headers, "Call-ID")}\r\nCSeq: {SipHeaders.Find(headers, "CSeq")}\r\nServer: {server}\r\nContent-Length: 0\r\n\r\n";
    }

    /// <summary>The URI inside a From/To value: between &lt; and &gt;, or up to the first ';'.</summary>
    private static string Uri(string value)
    {
        var open = value.IndexOf('<', StringComparison.Ordinal);
        var close = value.IndexOf('>', StringComparison.Ordinal);
        return open >= 0 && close > open ? value[(open + 1)..close] : value.Split(';')[0].Trim();
    }

    /// <summary>The user and host of a sip:/sips: URI (no port, no parameters); empty when absent.</summary>
    public static (string User, string Host) UserHost(string uri)
    {
        var match = UriParts().Match(uri);
        return match.Success ? (match.Groups["user"].Value, match.Groups["host"].Value) : (string.Empty, string.Empty);
    }

    [GeneratedRegex(@";\s*tag\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagParam();

    [GeneratedRegex(@"^(?:Call-ID|i)\s*:(?<v>[^\r\n]*)", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex CallIdHeader();

    [GeneratedRegex(@"^Max-Forwards\s*:\s*(?<n>\d+)", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex MaxForwards();

    [GeneratedRegex(@"^(?:Via|v)\s*:[^\n]*\n", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TopVia();

    [GeneratedRegex(@"^sips?:(?:(?<user>[^@:;]*)(?::[^@]*)?@)?(?<host>\[[^\]]+\]|[^:;?>]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriParts();
}
