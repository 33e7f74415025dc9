using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenSips.Mi;

/// <summary>
/// The settings of one <see cref="MiClient"/> registered with <c>services.AddOpenSipsMi(…)</c>, bindable from configuration.
/// Only <see cref="Url"/> is required; the transport-specific settings apply to the transport the URL names and are
/// ignored by the others.
/// </summary>
/// <example>
/// <code language="json">
/// "OpenSipsMi": {
///   "Url": "https://mi.example.net/mi",
///   "Timeout": "00:00:03",
///   "UserName": "ops",
///   "Password": "from a secret store",
///   "TrustedCertificateAuthorityFiles": [ "/etc/ssl/private-ca.pem" ],
///   "Headers": { "X-Tenant": "edge" }
/// }
/// </code>
/// </example>
public sealed class OpenSipsMiOptions
{
    /// <summary>
    /// The endpoint in the form <see cref="MiConnectionOptions.Parse(string)"/> accepts: <c>udp://host:port</c>,
    /// <c>unix:///path</c>, <c>http(s)://host:port/mi</c>, <c>xmlrpc+http(s)://host:port/RPC2</c> or <c>fifo:///path</c>.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>How long a call waits for its reply unless it gives its own timeout; the library's 5 s when unset.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>mi_fifo: the <c>reply_dir</c> where reply FIFOs are created (see <see cref="FifoOptions.ReplyDirectory"/>); <c>/tmp/</c> when unset.</summary>
    public string? ReplyDirectory { get; set; }

    /// <summary>mi_datagram over a unix socket: where the client binds its own socket (see <see cref="UnixDatagramOptions.ClientSocketDirectory"/>).</summary>
    public string? ClientSocketDirectory { get; set; }

    /// <summary>mi_http / mi_xmlrpc_ng: extra request headers for a reverse proxy.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>mi_http / mi_xmlrpc_ng: the basic-auth user name for a reverse proxy; basic auth is used when this is set.</summary>
    public string? UserName { get; set; }

    /// <summary>mi_http / mi_xmlrpc_ng: the basic-auth password (never logged). Keep it in a secret store, not in appsettings.json.</summary>
    public string? Password { get; set; }

    /// <summary>mi_http / mi_xmlrpc_ng over https: PEM files of the certificate authorities to trust (see <see cref="HttpOptions.TrustedCertificateAuthorities"/>).</summary>
    public IList<string> TrustedCertificateAuthorityFiles { get; } = [];

    /// <summary>mi_http / mi_xmlrpc_ng: how long an idle keep-alive connection is reused; the library's 20 s when unset.</summary>
    public TimeSpan? PooledConnectionIdleTimeout { get; set; }

    /// <summary>
    /// Adjusts the options built from the settings above before the client connects, for what configuration cannot say
    /// (for example <c>o => o is HttpOptions h ? h with { ServerCertificateValidation = … } : o</c>). Not bound from configuration.
    /// </summary>
    public Func<MiConnectionOptions, MiConnectionOptions>? ConfigureConnection { get; set; }

    /// <summary>
    /// Builds the library's connection options from these settings, without a logger factory or an HTTP client (the
    /// container adds those). Does not validate; call <see cref="MiConnectionOptions.Validate"/> on the result.
    /// </summary>
    /// <returns>The options for the transport that <see cref="Url"/> names.</returns>
    /// <exception cref="ArgumentException"><see cref="Url"/> is missing or malformed, or a certificate file cannot be read.</exception>
    public MiConnectionOptions ToConnectionOptions()
    {
        if (string.IsNullOrWhiteSpace(Url))
        {
            throw new ArgumentException(
                "Url is missing: set it to OpenSIPS's MI endpoint, for example udp://127.0.0.1:8809, http://127.0.0.1:8888/mi or fifo:///tmp/opensips_fifo.",
                nameof(Url));
        }

        var options = MiConnectionOptions.Parse(Url);
        if (Timeout is { } timeout)
        {
            options = options with { Timeout = timeout };
        }

        options = options switch
        {
            FifoOptions fifo when ReplyDirectory is not null => fifo with { ReplyDirectory = ReplyDirectory },
            UnixDatagramOptions unix when ClientSocketDirectory is not null => unix with { ClientSocketDirectory = ClientSocketDirectory },
            HttpOptions http => ApplyHttp(http),
            _ => options,
        };

        return ConfigureConnection is { } configure
            ? configure(options) ?? throw new ArgumentException("ConfigureConnection returned null.", nameof(ConfigureConnection))
            : options;
    }

    private HttpOptions ApplyHttp(HttpOptions http)
    {
        var url = http.Url;
        var userName = UserName;
        var password = Password;
        if (url.UserInfo.Length > 0)
        {
            // Credentials in the URL become basic auth, so that they never reach a log through the request URI.
            var parts = url.UserInfo.Split(':', 2);
            userName ??= Uri.UnescapeDataString(parts[0]);
            password ??= parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            url = new UriBuilder(url) { UserName = string.Empty, Password = string.Empty }.Uri;
        }

        return http with
        {
            Url = url,
            Headers = Headers.Count > 0 ? new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) : http.Headers,
            BasicAuth = userName is not null ? new NetworkCredential(userName, password ?? string.Empty) : http.BasicAuth,
            TrustedCertificateAuthorities = TrustedCertificateAuthorityFiles.Count > 0 ? LoadAuthorities() : http.TrustedCertificateAuthorities,
            PooledConnectionIdleTimeout = PooledConnectionIdleTimeout ?? http.PooledConnectionIdleTimeout,
        };
    }

    private X509Certificate2Collection LoadAuthorities()
    {
        var roots = new X509Certificate2Collection();
        foreach (var file in TrustedCertificateAuthorityFiles)
        {
            try
            {
                roots.ImportFromPemFile(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new ArgumentException($"TrustedCertificateAuthorityFiles: cannot read PEM certificates from '{file}': {ex.Message}", nameof(TrustedCertificateAuthorityFiles), ex);
            }
        }

        if (roots.Count == 0)
        {
            throw new ArgumentException("TrustedCertificateAuthorityFiles name no PEM certificate: give files with '-----BEGIN CERTIFICATE-----' blocks.", nameof(TrustedCertificateAuthorityFiles));
        }

        return roots;
    }
}
