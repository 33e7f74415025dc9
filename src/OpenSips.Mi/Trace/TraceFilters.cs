using System.Globalization;

namespace OpenSips.Mi.Trace;

/// <summary>The <c>filter</c> array of <c>trace_start</c>: <c>caller=…</c>, <c>callee=…</c>, <c>ip=…</c>, all of which must match.</summary>
internal static class TraceFilters
{
    /// <summary>
    /// What the tracer compares a caller/callee filter with: <c>user</c> or <c>user@host</c> (it matches the URI's user,
    /// then the host when one is given; scheme, port and parameters never match). A URI is reduced to that form.
    /// </summary>
    public static string? UserFilter(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Trim();
        if (text.StartsWith('<') && text.EndsWith('>'))
        {
            text = text[1..^1];
        }

        foreach (var scheme in (ReadOnlySpan<string>)["sip:", "sips:", "tel:"])
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                text = text[scheme.Length..];
                break;
            }
        }

        var cut = text.IndexOfAny([';', '?', '>']);
        if (cut >= 0)
        {
            text = text[..cut];
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            // user@host[:port]: the tracer compares the host without its port.
            var host = text[(at + 1)..];
            var colon = host.StartsWith('[') ? host.IndexOf("]:", StringComparison.Ordinal) + 1 : host.IndexOf(':', StringComparison.Ordinal);
            text = text[..(at + 1)] + (colon > 0 ? host[..colon] : host);
        }

        if (text.Length == 0 || text.EndsWith('@') || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{option} '{value}' is not a user (alice), user@host (alice@example.com) or SIP URI."),
                option);
        }

        return text;
    }

    public static string[] Build(MiTraceOptions options)
    {
        var filters = new List<string>(3);
        if (UserFilter(options.Caller, nameof(MiTraceOptions.Caller)) is { } caller)
        {
            filters.Add("caller=" + caller);
        }

        if (UserFilter(options.Callee, nameof(MiTraceOptions.Callee)) is { } callee)
        {
            filters.Add("callee=" + callee);
        }

        if (options.SourceIp is { } ip)
        {
            filters.Add("ip=" + (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip));
        }

        return [.. filters];
    }

    public static string ScopeFlag(MiTraceScope scope) => scope switch
    {
        MiTraceScope.Message => "m",
        MiTraceScope.Dialog => "d",
        _ => "t",
    };
}
