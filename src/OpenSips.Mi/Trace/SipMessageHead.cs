using System.Globalization;
using System.Text;
using OpenSips.Mi.Sip;

namespace OpenSips.Mi.Trace;

/// <summary>The start line and the few headers a trace shows, read tolerantly from a SIP message's header section.</summary>
internal sealed record SipMessageHead(string StartLine, bool IsRequest)
{
    /// <summary>Headers are read up to this many bytes; a longer header section is cut (the raw bytes keep everything).</summary>
    private const int MaxHeadBytes = 64 * 1024;

    public string? RequestMethod { get; private init; }

    public string? RequestUri { get; private init; }

    public int? StatusCode { get; private init; }

    public string? ReasonPhrase { get; private init; }

    public string? CallId { get; private set; }

    public long? CSeqNumber { get; private set; }

    public string? CSeqMethod { get; private set; }

    public string? FromTag { get; private set; }

    public string? ToTag { get; private set; }

    /// <summary>Reads the head; null when the first line is neither a request line nor a status line.</summary>
    public static SipMessageHead? Parse(ReadOnlySpan<byte> message)
    {
        var end = message.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            end = message.IndexOf("\n\n"u8);
        }

        var head = Encoding.UTF8.GetString(message[..Math.Min(end < 0 ? message.Length : end, MaxHeadBytes)]);
        var lines = head.Split('\n');
        if (StartLineOf(lines[0].TrimEnd('\r')) is not { } parsed)
        {
            return null;
        }

        string? name = null;
        var value = new StringBuilder();
        for (var i = 1; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i].TrimEnd('\r') : string.Empty;
            if (line.Length > 0 && line[0] is ' ' or '\t')
            {
                value.Append(' ').Append(line.Trim());
                continue;
            }

            if (name is not null)
            {
                parsed.Take(name, value.ToString());
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            name = colon > 0 ? line[..colon].Trim() : null;
            value.Clear().Append(colon > 0 ? line[(colon + 1)..].Trim() : string.Empty);
        }

        return parsed;
    }

    private static SipMessageHead? StartLineOf(string line)
    {
        var parts = line.Split(' ', 3);
        if (parts.Length >= 2 && parts[0].StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            return parts[1].Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 699
                ? new SipMessageHead(line, false) { StatusCode = code, ReasonPhrase = parts.Length == 3 ? parts[2] : string.Empty }
                : null;
        }

        return parts.Length == 3 && SipHeaderValidation.IsToken(parts[0]) && parts[1].Length > 0 && parts[2].StartsWith("SIP/", StringComparison.OrdinalIgnoreCase)
            ? new SipMessageHead(line, true) { RequestMethod = parts[0], RequestUri = parts[1] }
            : null;
    }

    private void Take(string name, string value)
    {
        switch (SipHeaderValidation.Canonical(name).ToUpperInvariant())
        {
            case "CALL-ID":
                CallId ??= value;
                break;
            case "CSEQ":
                var cseq = value.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                if (CSeqNumber is null && cseq.Length > 0 && long.TryParse(cseq[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    CSeqNumber = number;
                    CSeqMethod = cseq.Length > 1 ? cseq[1].Trim() : null;
                }

                break;
            case "FROM":
                FromTag ??= Tag(value);
                break;
            case "TO":
                ToTag ??= Tag(value);
                break;
        }
    }

    /// <summary>The <c>tag</c> parameter of a From/To value: after the <c>&gt;</c> of a name-addr, after the URI otherwise.</summary>
    private static string? Tag(string value)
    {
        var close = value.LastIndexOf('>');
        var parameters = close >= 0 ? value[(close + 1)..] : value[(Math.Max(value.IndexOf(';', StringComparison.Ordinal), 0))..];
        foreach (var parameter in parameters.Split(';'))
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && parameter[..eq].Trim().Equals("tag", StringComparison.OrdinalIgnoreCase))
            {
                var tag = parameter[(eq + 1)..].Trim();
                return tag.Length > 0 ? tag : null;
            }
        }

        return null;
    }
}
