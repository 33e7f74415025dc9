using System.Net;

namespace OpenSips.Mi.Testing;

/// <summary>What the tracer's filters look at in a request OpenSIPS received.</summary>
/// <param name="FromUser">The user part of the From URI.</param>
/// <param name="FromHost">The host part of the From URI.</param>
/// <param name="RuriUser">The user part of the Request-URI.</param>
/// <param name="RuriHost">The host part of the Request-URI.</param>
/// <param name="Source">The address the request came from.</param>
/// <param name="IsInitialInvite">An INVITE without a To tag (the only request the dialog scope starts with).</param>
internal sealed record TracedRequest(string FromUser, string FromHost, string RuriUser, string RuriHost, IPAddress Source, bool IsInitialInvite);

/// <summary>One <c>caller=</c>, <c>callee=</c> or <c>ip=</c> filter (<c>parse_trace_filter</c>; the kinds are case-insensitive).</summary>
internal sealed record TraceFilter(string Kind, string Value, IPAddress? Ip)
{
    public string Text => Kind + "=" + Value;

    /// <summary>A filter, or null for what the tracer skips (an unknown kind, an empty value, an IP that is not IPv4).</summary>
    public static TraceFilter? Parse(string text)
    {
        foreach (var kind in (ReadOnlySpan<string>)["caller", "callee", "ip"])
        {
            if (text.Length > kind.Length + 1 && text.StartsWith(kind + "=", StringComparison.OrdinalIgnoreCase))
            {
                var value = text[(kind.Length + 1)..];
                if (kind != "ip")
                {
                    return new TraceFilter(kind, value, null);
                }

                return IPAddress.TryParse(value, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Count(c => c == '.') == 3
                    ? new TraceFilter(kind, value, ip)
                    : null;
            }
        }

        return null;
    }

    public bool Matches(TracedRequest request) => Kind switch
    {
        "caller" => UriMatches(request.FromUser, request.FromHost),
        "callee" => UriMatches(request.RuriUser, request.RuriHost),
        _ => Ip!.Equals(request.Source.IsIPv4MappedToIPv6 ? request.Source.MapToIPv4() : request.Source),
    };

    /// <summary>The tracer's <c>dyn_tracing_uri_match</c>: the value is the URI's user, or user@host (no scheme, no port).</summary>
    private bool UriMatches(string user, string host)
    {
        if (user.Length > Value.Length || !Value.StartsWith(user, StringComparison.Ordinal))
        {
            return false;
        }

        return user.Length == Value.Length || (Value[user.Length] == '@' && string.Equals(Value[(user.Length + 1)..], host, StringComparison.Ordinal));
    }
}
