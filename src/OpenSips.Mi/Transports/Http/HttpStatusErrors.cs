namespace OpenSips.Mi;

/// <summary>What a non-200 status from httpd means, for both HTTP paths.</summary>
internal static class HttpStatusErrors
{
    /// <summary>Bodies above this may reach httpd in more than one piece (3.4 drops them, 3.6 and later may lose a piece).</summary>
    private const int PieceBytes = 8192;

    /// <summary>What to do with a request over <see cref="HttpOptions.MaxRequestBodyBytes"/>.</summary>
    public const string BodyLimitAdvice =
        "OpenSIPS's httpd never answers a body over about 16 KB, and 3.6 and later also need modparam(\"httpd\", \"receive_buf_size\", N) above the body size; " +
        "send large requests over mi_datagram (up to 65457 bytes) or split the work, or raise HttpOptions.MaxRequestBodyBytes if a proxy in front of httpd takes more";

    /// <summary>Why httpd may have closed the connection without a reply, given the size of the request body.</summary>
    public static string ClosedWithoutReplyHint(int requestBytes) => LargeBodyHint(requestBytes) ?? "is httpd serving mi_http/mi_xmlrpc_ng there?";

    /// <summary>Why httpd may have closed two connections in a row without a reply.</summary>
    public static string ClosedTwiceHint(int requestBytes) => LargeBodyHint(requestBytes) ?? "is httpd restarting or crashing?";

    private static string? LargeBodyHint(int requestBytes) => requestBytes > PieceBytes
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the request body was {requestBytes} bytes, and OpenSIPS 3.4's httpd closes the connection without a reply when a body does not reach it whole (above about 16 KB, or a large body sent slowly): send less per request or use mi_datagram")
        : null;

    /// <summary>
    /// A -32700 Parse error to a request the client encoded itself: httpd parsed only part of the body. It keeps the pieces
    /// of a body that fit in <c>receive_buf_size</c> and drops the rest (docs/wire-facts.md#http-body-limit).
    /// </summary>
    public static MiProtocolException PartialBody(string transport, string endpoint, int requestBytes, string rawReply) => new(
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"OpenSIPS {transport} at {endpoint} answered -32700 Parse error to a well-formed {requestBytes}-byte request: httpd read only part of the body, which happens when the body is over httpd's receive_buf_size (default {HttpOptions.DefaultHttpdReceiveBufferSize}) and arrives in pieces. Raise modparam(\"httpd\", \"receive_buf_size\", N) above {requestBytes}, or send less per request."),
        rawReply);

    public static MiProtocolException ToException(string transport, string endpoint, int status, string? reason, int requestBytes)
    {
        var why = status switch
        {
            400 when requestBytes > HttpOptions.DefaultHttpdReceiveBufferSize =>
                $"the request body is {requestBytes} bytes and httpd's receive_buf_size defaults to {HttpOptions.DefaultHttpdReceiveBufferSize}: raise it with modparam(\"httpd\", \"receive_buf_size\", N) or use mi_datagram/mi_fifo",
            400 => "httpd could not read the request (empty body, wrong Content-Type, or a URL outside the MI root)",
            404 => "nothing is served at this path: check the MI root (mi_http's root, default /mi; mi_xmlrpc_ng's, default /RPC2)",
            405 => "httpd only accepts POST here",
            406 => "httpd refused the request method",
            500 => "OpenSIPS could not process the request",
            401 or 403 => "a reverse proxy refused the credentials",
            _ => "this is not an MI reply",
        };
        var text = string.IsNullOrEmpty(reason) ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{status} {reason}";
        return new MiProtocolException($"OpenSIPS {transport} at {endpoint} answered HTTP {text}: {why}.", rawReply: null) { HttpStatusCode = status };
    }
}
