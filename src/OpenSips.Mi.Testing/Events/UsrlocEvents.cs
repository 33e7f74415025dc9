using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>The usrloc events OpenSIPS raises when contacts come and go, with the captured shapes (docs/wire-facts.md#ev-payloads).</summary>
internal static class UsrlocEvents
{
    public static JsonObject Aor(string domain, string aor) => new() { ["domain"] = domain, ["aor"] = aor };

    public static JsonObject Contact(string domain, string aor, MiContact c) => new()
    {
        ["domain"] = domain,
        ["aor"] = aor,
        ["uri"] = c.Contact,
        ["received"] = null,
        ["path"] = null,
        ["qval"] = QValue(c.Q),
        ["user_agent"] = c.UserAgent,
        ["socket"] = c.Socket,
        // The contact's branch flags (cflags), not its usrloc flags: ul_add with flags 3 still sends 0.
        ["bflags"] = 0,
        ["expires"] = c.ExpiresAt == DateTimeOffset.MaxValue ? 0 : c.ExpiresAt.ToUnixTimeSeconds(),
        ["callid"] = c.CallId,
        ["cseq"] = c.CSeq,
        ["attr"] = string.Empty,
        ["latency"] = 0,
        ["shtag"] = string.Empty,
    };

    /// <summary>usrloc keeps q as an int (q × 1000), -1 when unset.</summary>
    private static int QValue(string q) =>
        double.TryParse(q, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? (int)Math.Round(d * 1000)
            : -1;
}
