namespace OpenSips.Mi.Testing;

/// <summary>Minimal SIP header-block handling for the t_uac_dlg checks.</summary>
internal static class SipHeaders
{
    private static readonly Dictionary<string, string> Compact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["f"] = "From", ["t"] = "To", ["i"] = "Call-ID", ["l"] = "Content-Length", ["c"] = "Content-Type", ["m"] = "Contact",
    };

    /// <summary>OpenSIPS unescapes the two-character sequences <c>\r</c> and <c>\n</c> in <c>headers</c> only (docs/wire-facts.md#uac-headers).</summary>
    public static string Unescape(string headers) =>
        headers.Replace("\\r", "\r", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);

    public static List<(string Name, string Value)> Split(string headers)
    {
        var list = new List<(string, string)>();
        foreach (var raw in headers.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            list.Add((Compact.TryGetValue(name, out var full) ? full : name, line[(colon + 1)..].Trim()));
        }

        return list;
    }

    public static string? Find(List<(string Name, string Value)> headers, string name)
    {
        var wanted = Compact.TryGetValue(name, out var full) ? full : name;
        foreach (var (n, v) in headers)
        {
            if (string.Equals(n, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }
}
