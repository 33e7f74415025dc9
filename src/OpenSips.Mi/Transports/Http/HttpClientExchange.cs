using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OpenSips.Mi;

/// <summary>
/// mi_http and mi_xmlrpc_ng through <see cref="System.Net.Http.HttpClient"/>: for https, an injected client or handler
/// (<c>IHttpClientFactory</c>, proxies, custom TLS). POST with keep-alive; decides on the status line and headers alone,
/// because httpd's non-200 answers carry a chunked body that never ends (docs/wire-facts.md#http-non-200). Plain http without those goes through
/// the lean exchange instead.
/// </summary>
internal sealed class HttpClientExchange : IMiExchange
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly Uri _url;
    private readonly MediaTypeHeaderValue _contentType;
    private readonly HttpOptions _options;
    private readonly AuthenticationHeaderValue? _authorization;

    private HttpClientExchange(HttpOptions options, HttpClient client, bool ownsClient, string contentType)
    {
        _options = options;
        _client = client;
        _ownsClient = ownsClient;
        _url = options.Url;
        _contentType = new MediaTypeHeaderValue(contentType);
        Name = options.TransportName;
        Endpoint = options.ToUriString();
        MaxRequestBytes = options.MaxRequestBodyBytes;
        if (options.BasicAuth is { } credentials)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.UserName + ":" + credentials.Password));
            _authorization = new AuthenticationHeaderValue("Basic", token);
        }
    }

    public string Name { get; }

    public string Endpoint { get; }

    // httpd's ~16 KB ceiling is refused before sending; its receive_buf_size is a server setting we cannot see, so a 400
    // or a -32700 on a large body is explained instead.
    public int MaxRequestBytes { get; }

    public string RequestLimitAdvice => HttpStatusErrors.BodyLimitAdvice;

    public bool ExplainsParseErrors => true;

    public string? TimeoutHint => null;

    public static HttpClientExchange Create(HttpOptions options, string contentType)
    {
        if (options.HttpClient is { } injected)
        {
            return new HttpClientExchange(options, injected, ownsClient: false, contentType);
        }

        if (options.HttpMessageHandler is { } handler)
        {
            return new HttpClientExchange(options, new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }, ownsClient: true, contentType);
        }

        return new HttpClientExchange(options, new HttpClient(options.CreateDefaultHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan }, ownsClient: true, contentType);
    }

    public async ValueTask<MiReplyBuffer> ExchangeAsync(MiExchangeRequest request, CancellationToken cancellationToken)
    {
        // HttpClient takes a token: this path keeps a token source per call, armed for the call's deadline.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), request.Deadline) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        try
        {
            return MiReplyBuffer.Owned(await ExchangeOnceOrTwiceAsync(request.Bytes, deadline.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new MiExchangeTimeoutException();
        }
    }

    private async Task<ReadOnlyMemory<byte>> ExchangeOnceOrTwiceAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
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
                throw new MiTransportException($"OpenSIPS {Name} at {Endpoint} closed the connection without a complete reply, twice: {HttpStatusErrors.ClosedTwiceHint(request.Length)}", again);
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
                throw HttpStatusErrors.ToException(Name, Endpoint, (int)response.StatusCode, response.ReasonPhrase, request.Length);
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

    public ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
