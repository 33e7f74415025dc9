using System.Globalization;
using System.Text;

namespace OpenSips.Mi.Testing;

/// <summary>The exact response heads and bodies OpenSIPS's httpd (libmicrohttpd) sends (captures in <c>http/*.response.http</c>).</summary>
internal static class HttpResponses
{
    public const string UnsupportedHtml = "<html><body>Unsupported HTTP request!</body></html>";
    public const string BadUrlHtml = "<html><body>Unable to parse URL!</body></html>";
    public const string JsonType = "application/json";
    public const string XmlType = "text/xml; charset=utf-8";

    public static byte[] WithBody(string status, DateTimeOffset now, bool close, string contentType, ReadOnlySpan<byte> body, int? contentLength = null, bool omitBody = false)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(status).Append("\r\n");
        head.Append("Date: ").Append(now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        if (close)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        head.Append("Content-Length: ").Append((contentLength ?? body.Length).ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        return omitBody ? headBytes : [.. headBytes, .. body];
    }

    /// <summary>Status line and chunked headers, and no chunk ever: how mi_http sends every non-200 status (docs/wire-facts.md#http-non-200).</summary>
    public static byte[] NeverEnding(string status, DateTimeOffset now, bool close, string contentType)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(status).Append("\r\n");
        head.Append("Date: ").Append(now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        if (close)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("Content-Type: ").Append(contentType).Append("\r\nTransfer-Encoding: chunked\r\n\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    public static byte[] Continue() => "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();
}
