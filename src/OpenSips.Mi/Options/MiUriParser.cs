namespace OpenSips.Mi;

/// <summary>Turns the URI forms users type (<c>udp://127.0.0.1:8809</c>, <c>fifo:///tmp/opensips_fifo</c>…) into options.</summary>
internal static class MiUriParser
{
    private const string Forms =
        "udp://host:port, unix:///path[?client_dir=/dir], http://host:port/mi, https://host:port/mi, xmlrpc+http://host:port/RPC2, xmlrpc+https://host:port/RPC2 or fifo:///path[?reply_dir=/dir/]";

    public static MiConnectionOptions Parse(string uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw new ArgumentException($"The MI URI is empty: use {Forms}.", nameof(uri));
        }

        var separator = uri.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new ArgumentException($"'{Shown(uri)}' is not an absolute MI URI: use {Forms}.", nameof(uri));
        }

        var scheme = uri[..separator].ToUpperInvariant();
        var rest = uri[(separator + 3)..];
        return scheme switch
        {
            "UDP" => ParseUdp(uri, rest),
            "UNIX" => ParseUnix(uri, rest),
            "FIFO" => ParseFifo(uri, rest),
            "HTTP" or "HTTPS" => new HttpOptions(HttpUrl(uri, uri)),
            "XMLRPC+HTTP" or "XMLRPC+HTTPS" => new XmlRpcOptions(HttpUrl(uri, uri["xmlrpc+".Length..])),
            _ => throw new ArgumentException($"Unknown MI URI scheme '{uri[..separator]}' in '{Shown(uri)}': use {Forms}.", nameof(uri)),
        };
    }

    private static DatagramOptions ParseUdp(string uri, string rest)
    {
        if (rest.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{Shown(uri)}' has user info, which mi_datagram has no use for: use udp://host:port.", nameof(uri));
        }

        rest = rest.TrimEnd('/');
        string host;
        string portText;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException($"'{Shown(uri)}' has an unclosed IPv6 bracket: use udp://[::1]:8809.", nameof(uri));
            }

            host = rest[1..close];
            portText = rest[(close + 1)..].TrimStart(':');
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon < 0 ? rest : rest[..colon];
            portText = colon < 0 ? string.Empty : rest[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"'{Shown(uri)}' has no host: use udp://host:port, for example udp://127.0.0.1:8809.", nameof(uri));
        }

        if (portText.Length == 0)
        {
            throw new ArgumentException($"'{Shown(uri)}' has no port: mi_datagram has no default port, use udp://{host}:8809 (your socket_name's port).", nameof(uri));
        }

        if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{Shown(uri)}' has port '{portText}', which is not a number in 1..65535.", nameof(uri));
        }

        return new DatagramOptions(host, port);
    }

    private static UnixDatagramOptions ParseUnix(string uri, string rest)
    {
        var (path, query) = SplitQuery(rest);
        var options = new UnixDatagramOptions(PathOf(uri, path, "unix:///run/opensips/mi.sock"));
        foreach (var (key, value) in QueryPairs(uri, query, "client_dir"))
        {
            options = options with { ClientSocketDirectory = value };
        }

        return options;
    }

    private static FifoOptions ParseFifo(string uri, string rest)
    {
        var (path, query) = SplitQuery(rest);
        var options = new FifoOptions(PathOf(uri, path, "fifo:///tmp/opensips_fifo"));
        foreach (var (key, value) in QueryPairs(uri, query, "reply_dir"))
        {
            options = options with { ReplyDirectory = value };
        }

        return options;
    }

    private static (string Path, string Query) SplitQuery(string rest)
    {
        var mark = rest.IndexOf('?', StringComparison.Ordinal);
        return mark < 0 ? (rest, string.Empty) : (rest[..mark], rest[(mark + 1)..]);
    }

    /// <summary>The <c>key=value</c> pairs of a query, each key the one this scheme knows (<paramref name="known"/>).</summary>
    private static IEnumerable<(string Key, string Value)> QueryPairs(string uri, string query, string known)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!string.Equals(key, known, StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{Shown(uri)}' has the unknown setting '{key}': the only one this URI takes is {known}=/absolute/path.", nameof(uri));
            }

            if (!value.StartsWith('/'))
            {
                throw new ArgumentException($"'{Shown(uri)}' sets {known} to '{value}', which is not an absolute path.", nameof(uri));
            }

            yield return (key, value);
        }
    }

    private static string PathOf(string uri, string rest, string example)
    {
        // unix:///run/x.sock gives "/run/x.sock"; unix://run/x.sock (host form) is a relative path and refused.
        if (!rest.StartsWith('/'))
        {
            throw new ArgumentException($"'{Shown(uri)}' must name an absolute path, for example {example}.", nameof(uri));
        }

        return Uri.UnescapeDataString(rest);
    }

    /// <summary>The URI for an error message, with any <c>user:password@</c> replaced by <c>***@</c>: messages end up in logs.</summary>
    internal static string Shown(string uri)
    {
        var separator = uri.IndexOf("://", StringComparison.Ordinal);
        var start = separator < 0 ? 0 : separator + 3;
        var end = uri.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? uri[start..] : uri[start..end];
        var at = authority.LastIndexOf('@');
        return at < 0 ? uri : string.Concat(uri.AsSpan(0, start), "***", uri.AsSpan(start + at));
    }

    private static Uri HttpUrl(string original, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            throw new ArgumentException($"'{Shown(original)}' is not an absolute URL with a host, for example http://127.0.0.1:8888/mi.", nameof(original));
        }

        return parsed;
    }
}
