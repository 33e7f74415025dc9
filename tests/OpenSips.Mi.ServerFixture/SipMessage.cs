using System.Text;

namespace OpenSips.Mi.ServerFixture;

/// <summary>A SIP message as a test phone sees it: the start line, the headers in order, the body and the exact bytes.</summary>
public sealed class SipMessage
{
    private SipMessage(string text, string startLine, IReadOnlyList<KeyValuePair<string, string>> headers, string body)
    {
        Text = text;
        StartLine = startLine;
        Headers = headers;
        Body = body;
    }

    /// <summary>The whole message as received.</summary>
    public string Text { get; }

    /// <summary>The request line or status line.</summary>
    public string StartLine { get; }

    /// <summary>The headers in wire order (names as written).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body.</summary>
    public string Body { get; }

    /// <summary>Whether this is a response.</summary>
    public bool IsResponse => StartLine.StartsWith("SIP/2.0 ", StringComparison.Ordinal);

    /// <summary>The request method (requests only).</summary>
    public string Method => IsResponse ? throw new InvalidOperationException("a response has no method") : StartLine[..StartLine.IndexOf(' ', StringComparison.Ordinal)];

    /// <summary>The status code (responses only).</summary>
    public int StatusCode => IsResponse ? int.Parse(StartLine.AsSpan(8, 3), System.Globalization.CultureInfo.InvariantCulture) : throw new InvalidOperationException("a request has no status");

    /// <summary>The first value of a header (full or compact name), or null.</summary>
    public string? this[string name] => All(name).FirstOrDefault();

    /// <summary>Every value of a header, in order.</summary>
    public IEnumerable<string> All(string name)
    {
        var compact = CompactName(name);
        return Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase) || (compact is not null && h.Key.Equals(compact, StringComparison.OrdinalIgnoreCase)))
            .Select(h => h.Value);
    }

    /// <summary>Parses one datagram.</summary>
    public static SipMessage Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? string.Empty : text[(split + 4)..];
        var lines = head.Split("\r\n");
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        return new SipMessage(text, lines[0], headers, body);
    }

    /// <summary>The tag parameter of a From/To value, or null.</summary>
    public static string? Tag(string? nameAddr)
    {
        if (nameAddr is null)
        {
            return null;
        }

        var at = nameAddr.IndexOf(";tag=", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var value = nameAddr[(at + 5)..];
        var end = value.IndexOfAny([';', '>', ' ']);
        return end < 0 ? value : value[..end];
    }

    private static string? CompactName(string name) => name.ToUpperInvariant() switch
    {
        "VIA" => "v",
        "FROM" => "f",
        "TO" => "t",
        "CALL-ID" => "i",
        "CONTACT" => "m",
        "CONTENT-LENGTH" => "l",
        "CONTENT-TYPE" => "c",
        "EVENT" => "o",
        _ => null,
    };

    /// <inheritdoc/>
    public override string ToString() => StartLine;

    internal static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text);
}
