using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>Where the dashboard listens: an IP address (or <c>localhost</c>) and a port (0: any free one).</summary>
internal sealed record ListenAddress(IPAddress Address, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    public bool IsAny => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    /// <summary>Parses <c>http://HOST:PORT</c> with HOST an IP address, <c>[IPv6]</c>, <c>localhost</c>, or <c>*</c>/<c>0.0.0.0</c> for every interface.</summary>
    public static ListenAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Form = "give --listen as http://HOST:PORT, e.g. http://127.0.0.1:8080 (HOST an IP address, localhost, or 0.0.0.0 for every interface)";
        if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--listen '{text}': the dashboard serves plain HTTP; put a TLS reverse proxy in front of it to serve HTTPS");
        }

        if (!text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--listen '{text}': {Form}");
        }

        var rest = text["http://".Length..].TrimEnd('/');
        string host;
        string? port;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new UsageException($"--listen '{text}': {Form}");
            }

            host = rest[1..close];
            port = close + 1 < rest.Length && rest[close + 1] == ':' ? rest[(close + 2)..] : close + 1 == rest.Length ? null : throw new UsageException($"--listen '{text}': {Form}");
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            (host, port) = colon < 0 ? (rest, null) : (rest[..colon], rest[(colon + 1)..]);
        }

        var number = 8080;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number > 65535))
        {
            throw new UsageException($"--listen '{text}': the port must be 0-65535 (0 picks a free one)");
        }

        IPAddress address;
        if (host is "*" or "+")
        {
            address = IPAddress.Any;
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            throw new UsageException($"--listen '{text}': '{host}' is not an IP address; {Form}");
        }

        return new ListenAddress(address, number);
    }
}

/// <summary>
/// Who may use the dashboard. On loopback anyone on this machine may (like the CLI itself), unless a token is asked for;
/// on any other address a token is required: the one given, or a random one generated and printed.
/// </summary>
internal sealed record DashboardAccess(bool TokenRequired, string? Token, bool TokenGenerated)
{
    public const int MinimumTokenLength = 16;

    public static DashboardAccess Decide(ListenAddress listen, string? token, bool requireToken)
    {
        ArgumentNullException.ThrowIfNull(listen);
        if (token is not null)
        {
            if (token.Length < MinimumTokenLength || token.Any(c => c <= ' ' || c > '~'))
            {
                throw new UsageException($"the access token must be at least {MinimumTokenLength} printable ASCII characters without spaces");
            }

            return new DashboardAccess(true, token, false);
        }

        return requireToken || !listen.IsLoopback
            ? new DashboardAccess(true, NewToken(), true)
            : new DashboardAccess(false, null, false);
    }

    /// <summary>32 random bytes, URL-safe base64 (43 characters).</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Compares in constant time, so the token cannot be guessed a character at a time from response times.</summary>
    public bool Matches(string? candidate) => Token is not null && SameSecret(Token, candidate);

    /// <summary>Constant-time comparison of a secret with what a request presented.</summary>
    public static bool SameSecret(string expected, string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(expected));

    internal static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
