using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OpenSips.Mi;

/// <summary>
/// mi_http and mi_xmlrpc_ng on OpenSIPS's httpd: POST with keep-alive. Decides on the status line and headers alone,
/// because httpd's non-200 answers carry a chunked body that never ends (docs/wire-facts.md#http-non-200).
/// </summary>
internal sealed class HttpTransport : IExchangeTransport
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly Uri _url;
    private readonly MediaTypeHeaderValue _contentType;
    private readonly HttpOptions _options;
    private readonly AuthenticationHeaderValue? _authorization;

    private HttpTransport(HttpOptions options, HttpClient client, bool ownsClient, string contentType)
    {
        _options = options;
        _client = client;
        _ownsClient = ownsClient;
        _url = options.Url;
        _contentType = new MediaTypeHeaderValue(contentType);
        Name = options.TransportName;
        Endpoint = options.ToUriString();
        if (options.BasicAuth is { } credentials)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.UserName + ":" + credentials.Password));
            _authorization = new AuthenticationHeaderValue("Basic", token);
        }
    }

    public string Name { get; }

    public string Endpoint { get; }

    // httpd's receive_buf_size is a server setting we cannot see; a 400 on a large body is explained instead.
    public int MaxRequestBytes => int.MaxValue;

    public string RequestLimitAdvice => string.Empty;

    public static HttpTransport Create(HttpOptions options, string contentType)
    {
        if (options.HttpClient is { } injected)
        {
            return new HttpTransport(options, injected, ownsClient: false, contentType);
        }

        if (options.HttpMessageHandler is { } handler)
        {
            return new HttpTransport(options, new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }, ownsClient: true, contentType);
        }

        return new HttpTransport(options, new HttpClient(CreateHandler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan }, ownsClient: true, contentType);
    }

    internal static SocketsHttpHandler CreateHandler(HttpOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            ConnectTimeout = options.Timeout,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,

            // A non-200 body from httpd never ends: never try to drain it, close the connection instead.
            MaxResponseDrainSize = 0,
            ResponseDrainTimeout = TimeSpan.Zero,
            AutomaticDecompression = DecompressionMethods.None,
        };

        if (options.ServerCertificateValidation is { } callback)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = callback;
        }
        else if (options.TrustedCertificateAuthorities is { Count: > 0 } roots)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                ValidateAgainstRoots(certificate, errors, roots);
        }

        return handler;
    }

    private static bool ValidateAgainstRoots(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    public async Task<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        try
        {
            return await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ResponseEnded && !cancellationToken.IsCancellationRequested)
        {
            // httpd closes an idle keep-alive connection without answering, and did not run the command (docs/wire-facts.md#http-idle-close):
            // one retry on a fresh connection is safe.
            try
            {
                return await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException again) when (again.HttpRequestError == HttpRequestError.ResponseEnded)
            {
                throw new MiTransportException($"OpenSIPS {Name} at {Endpoint} closed the connection without a complete reply, twice: is httpd restarting or crashing?", again);
            }
        }
    }

    private async Task<ReadOnlyMemory<byte>> SendOnceAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ReadOnlyMemoryContent(request),
        };
        message.Content.Headers.ContentType = _contentType;
        message.Headers.ExpectContinue = false;
        if (_authorization is not null)
        {
            message.Headers.Authorization = _authorization;
        }

        if (_options.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError != HttpRequestError.ResponseEnded)
        {
            throw new MiTransportException(DescribeFailure(ex), ex);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // Do not read the body: httpd's chunked body for these statuses never ends.
                throw new MiProtocolException(DescribeStatus(response, request.Length), rawReply: null) { HttpStatusCode = (int)response.StatusCode };
            }

            try
            {
                return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new MiTransportException($"OpenSIPS {Name} at {Endpoint} closed the connection in the middle of a reply: {ex.Message}", ex);
            }
            catch (IOException ex)
            {
                throw new MiTransportException($"OpenSIPS {Name} at {Endpoint} closed the connection in the middle of a reply: {ex.Message}", ex);
            }
        }
    }

    private string DescribeFailure(HttpRequestException ex)
    {
        var what = ex.HttpRequestError switch
        {
            HttpRequestError.ConnectionError when ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } =>
                "connection refused (is httpd loaded and listening there, with mi_http/mi_xmlrpc_ng?)",
            HttpRequestError.ConnectionError => $"connection failed: {ex.InnerException?.Message ?? ex.Message}",
            HttpRequestError.NameResolutionError => "the host name does not resolve",
            HttpRequestError.SecureConnectionError => $"the TLS handshake failed ({ex.InnerException?.Message ?? ex.Message}); certificates are verified: trust the server's CA with TrustedCertificateAuthorities",
            _ => ex.Message,
        };
        return $"cannot reach OpenSIPS MI at {Endpoint}: {what}";
    }

    private string DescribeStatus(HttpResponseMessage response, int requestBytes)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var why = (int)response.StatusCode switch
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
        return $"OpenSIPS {Name} at {Endpoint} answered HTTP {status}: {why}.";
    }

    public ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
