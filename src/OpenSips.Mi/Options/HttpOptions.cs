using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OpenSips.Mi;

/// <summary>mi_http (OpenSIPS's httpd, by default <c>http://127.0.0.1:8888/mi</c>), plain or behind TLS.</summary>
public record HttpOptions : MiConnectionOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="url">The absolute http or https URL of the MI root.</param>
    public HttpOptions(Uri url)
    {
        Url = url;
    }

    /// <summary>The absolute http or https URL of the MI root, for example <c>http://127.0.0.1:8888/mi</c>.</summary>
    public Uri Url { get; init; }

    /// <summary>
    /// An <see cref="System.Net.Http.HttpClient"/> to use instead of the client's own (for example from <c>IHttpClientFactory</c>).
    /// The caller keeps ownership; TLS and connection settings below are then the caller's to configure.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// Sends through <see cref="System.Net.Http.HttpClient"/> even for a plain <c>http://</c> URL. By default a plain http URL
    /// without <see cref="HttpClient"/> or <see cref="HttpMessageHandler"/> goes through the client's own lean HTTP/1.1 path
    /// on Linux (one write per request, keep-alive, replies read by the client's receive thread: see docs/performance.md);
    /// https, an injected client or handler, and other platforms always use <see cref="System.Net.Http.HttpClient"/>.
    /// </summary>
    public bool UseHttpClient { get; init; }

    /// <summary>A handler to build the client's <see cref="System.Net.Http.HttpClient"/> from; the caller keeps ownership.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; init; }

    /// <summary>Extra request headers, for a reverse proxy in front of mi_http.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Basic-auth credentials for a reverse proxy (OpenSIPS's httpd itself has none). Never logged.</summary>
    public NetworkCredential? BasicAuth { get; init; }

    /// <summary>
    /// Certificates to trust as roots for an https URL (for a private CA), in addition to nothing else: when set, the
    /// server certificate must chain to one of them. Certificates are always verified unless
    /// <see cref="ServerCertificateValidation"/> says otherwise.
    /// </summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; init; }

    /// <summary>An explicit certificate validation callback that replaces the default checks (an opt-in; use with care).</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>
    /// How long an idle keep-alive connection is reused. Default 20 s, below httpd's <c>conn_timeout</c> of 30 s so that a
    /// connection OpenSIPS already dropped is not picked up.
    /// </summary>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Builds the handler the client uses when it creates its own <see cref="System.Net.Http.HttpClient"/>: HTTP/1.1 keep-alive
    /// with <see cref="PooledConnectionIdleTimeout"/>, no proxy, cookies, redirects or decompression, certificates checked against
    /// <see cref="TrustedCertificateAuthorities"/> or <see cref="ServerCertificateValidation"/>, and a non-200 body never drained
    /// (httpd's never ends). Use it as the primary handler of an <c>IHttpClientFactory</c> client passed as <see cref="HttpClient"/>.
    /// </summary>
    /// <returns>A new handler; the caller owns it.</returns>
    public SocketsHttpHandler CreateDefaultHandler()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
            ConnectTimeout = Timeout,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,

            // A non-200 body from httpd never ends: never try to drain it, close the connection instead.
            MaxResponseDrainSize = 0,
            ResponseDrainTimeout = TimeSpan.Zero,
            AutomaticDecompression = DecompressionMethods.None,
        };

        if (ServerCertificateValidation is { } callback)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = callback;
        }
        else if (TrustedCertificateAuthorities is { Count: > 0 } roots)
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

    /// <summary>
    /// The largest request body the client sends; a larger one is refused before sending with
    /// <see cref="MiRequestTooLargeException"/>. Default <see cref="DefaultMaxRequestBodyBytes"/>: OpenSIPS's httpd never
    /// answers a body over about 16 KB (libmicrohttpd's read buffer), whatever its <c>receive_buf_size</c>. Raise it only
    /// for a proxy in front of mi_http that takes more.
    /// </summary>
    public int MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>The default <see cref="MaxRequestBodyBytes"/>: 16000 bytes, under the ~16 KB httpd can take (docs/wire-facts.md#http-body-limit).</summary>
    public const int DefaultMaxRequestBodyBytes = 16_000;

    /// <summary>httpd's default <c>receive_buf_size</c>: request bodies over 1024 bytes are answered 400 unless OpenSIPS raises it.</summary>
    public const int DefaultHttpdReceiveBufferSize = 1024;

    /// <inheritdoc/>
    public override string TransportName => "mi_http";

    /// <inheritdoc/>
    public override string ToUriString() => RedactedUrl(Url);

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (Url is null || !Url.IsAbsoluteUri)
        {
            throw new ArgumentException($"Url '{Url}' must be an absolute http or https URL, for example http://127.0.0.1:8888/mi.", nameof(Url));
        }

        if (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Url scheme '{Url.Scheme}' is not http or https.", nameof(Url));
        }

        if (string.IsNullOrEmpty(Url.Host))
        {
            throw new ArgumentException($"Url '{RedactedUrl(Url)}' has no host.", nameof(Url));
        }

        if (MaxRequestBodyBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, "MaxRequestBodyBytes must be a positive number of bytes.");
        }

        if (Headers is not null)
        {
            foreach (var (name, value) in Headers)
            {
                // A CR or LF would split the request into extra header lines (or a second request) on the wire.
                if (string.IsNullOrEmpty(name) || name.Any(c => c <= ' ' || c >= 0x7F || c is ':' or '(' or ')' or ',' or '/' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}' or '"'))
                {
                    throw new ArgumentException($"Header name '{Printable(name)}' is not an HTTP token: use letters, digits and - only.", nameof(Headers));
                }

                if (value is null || value.Any(c => c is '\r' or '\n' or '\0'))
                {
                    throw new ArgumentException($"The value of header '{name}' contains CR, LF or NUL (or is null), which would inject lines into the HTTP request.", nameof(Headers));
                }
            }
        }
    }

    private static string Printable(string? text) =>
        text is null ? "(null)" : string.Concat(text.Select(c => char.IsControl(c) ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : new string(c, 1)));

    /// <summary>The URL without any user info, for messages and logs.</summary>
    /// <param name="url">The URL.</param>
    /// <returns>The URL text without credentials.</returns>
    protected static string RedactedUrl(Uri url) =>
        url is null ? "(null)" : url.IsAbsoluteUri && url.UserInfo.Length > 0
            ? new UriBuilder(url) { UserName = string.Empty, Password = string.Empty }.Uri.ToString()
            : url.ToString();
}
