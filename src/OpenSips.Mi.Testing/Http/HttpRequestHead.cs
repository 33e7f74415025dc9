using System.Text;

namespace OpenSips.Mi.Testing;

/// <summary>The request line and headers of one HTTP request.</summary>
internal sealed class HttpRequestHead
{
    private readonly List<(string Name, string Value)> _headers = [];

    public string Method { get; private set; } = string.Empty;

    public string Target { get; private set; } = string.Empty;

    public string Version { get; private set; } = string.Empty;

    public string Path => Target.Split('?', 2)[0];

    public string? Header(string name) =>
        _headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>HTTP/1.0 or <c>Connection: close</c> make libmicrohttpd close after the response (docs/wire-facts.md#http-keepalive).</summary>
    public bool WantsClose =>
        Version != "HTTP/1.1" || Header("Connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The media type of Content-Type, lower case, without parameters; null when absent.</summary>
    public string? MediaType => Header("Content-Type")?.Split(';', 2)[0].Trim().ToLowerInvariant();

    public bool IsChunked => Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;

    public static HttpRequestHead? Parse(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var lines = text.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3)
        {
            return null;
        }

        var head = new HttpRequestHead { Method = parts[0], Target = parts[1], Version = parts[2] };
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                head._headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        return head;
    }
}
