namespace OpenSips.Mi;

/// <summary>What a non-200 status from httpd means, for both HTTP paths.</summary>
internal static class HttpStatusErrors
{
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
