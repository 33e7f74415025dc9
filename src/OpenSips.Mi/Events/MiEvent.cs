using System.Text.Json;

namespace OpenSips.Mi;

/// <summary>
/// One event OpenSIPS raised, as received: <c>{"jsonrpc":"2.0","method":"E_…","params":{…}}</c> (docs/wire-facts.md#events).
/// The typed views (<see cref="AsUsrlocContact"/>, …) read <see cref="Params"/> tolerantly: a missing or oddly typed
/// member is null, never an exception.
/// </summary>
/// <param name="Name">The event name (the notification's <c>method</c>); with a <c>tcp://…/method</c> listener, that method instead.</param>
/// <param name="Params">The parameters (usually an object; <see cref="JsonValueKind.Undefined"/> when absent). Detached from the received buffer.</param>
/// <param name="ReceivedAt">When the listener received it (the subscription's clock).</param>
/// <param name="Source">Who sent it: <c>udp:127.0.0.1:41822</c>, <c>tcp:127.0.0.1:51234</c> or <c>unix:</c>.</param>
public sealed record MiEvent(string Name, JsonElement Params, DateTimeOffset ReceivedAt, string Source)
{
    /// <summary>The usrloc AOR events <c>E_UL_AOR_INSERT</c> / <c>E_UL_AOR_DELETE</c>.</summary>
    /// <returns>The payload, or null when <see cref="Params"/> is not an object.</returns>
    public MiUsrlocAorEvent? AsUsrlocAor() => IsObject ? new MiUsrlocAorEvent(Str("domain"), Str("aor")) : null;

    /// <summary>The usrloc contact events <c>E_UL_CONTACT_INSERT</c> / <c>_UPDATE</c> / <c>_DELETE</c> / <c>_REFRESH</c>.</summary>
    /// <returns>The payload, or null when <see cref="Params"/> is not an object.</returns>
    public MiUsrlocContactEvent? AsUsrlocContact() => IsObject
        ? new MiUsrlocContactEvent(
            Str("domain"), Str("aor"), Str("uri"), Str("received"), Str("path"), Dbl("qval"), Str("user_agent"), Str("socket"),
            Int("bflags"), Int("expires") is { } e ? DateTimeOffset.FromUnixTimeSeconds(e) : null, Str("callid"), Int("cseq"),
            Str("attr"), Int("latency"), Str("shtag"))
        : null;

    /// <summary>The dialog module's <c>E_DLG_STATE_CHANGED</c>.</summary>
    /// <returns>The payload, or null when <see cref="Params"/> is not an object.</returns>
    public MiDialogStateChangedEvent? AsDialogStateChanged() => IsObject
        ? new MiDialogStateChangedEvent(
            Str("id"), Str("db_id"), Str("callid"), Str("from_tag"), Str("to_tag"), Int("old_state"), Int("new_state"),
            Int("hash_entry"), Int("hash_id"))
        : null;

    /// <summary>The core's <c>E_CORE_THRESHOLD</c> (a slow operation: database query, DNS lookup, …).</summary>
    /// <returns>The payload, or null when <see cref="Params"/> is not an object.</returns>
    public MiCoreThresholdEvent? AsCoreThreshold() => IsObject ? new MiCoreThresholdEvent(Str("source"), Int("time"), Str("extra")) : null;

    /// <summary>The pike module's <c>E_PIKE_BLOCKED</c>.</summary>
    /// <returns>The payload, or null when <see cref="Params"/> is not an object.</returns>
    public MiPikeBlockedEvent? AsPikeBlocked() => IsObject ? new MiPikeBlockedEvent(Str("ip")) : null;

    /// <summary>A string member of <see cref="Params"/> (numbers as their JSON text), or null.</summary>
    /// <param name="name">The member name.</param>
    /// <returns>The value or null when absent, null or not a scalar.</returns>
    public string? GetString(string name) => Member(name) is { } v
        ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => null,
        }
        : null;

    /// <summary>An integer member of <see cref="Params"/> (a JSON number or a numeric string), or null.</summary>
    /// <param name="name">The member name.</param>
    /// <returns>The value or null.</returns>
    public long? GetInt64(string name)
    {
        if (Member(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.TryGetInt64(out var i) ? i : v.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 9e18 ? (long)d : null;
        }

        return v.ValueKind == JsonValueKind.String
            && long.TryParse(v.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var s)
            ? s
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {(Params.ValueKind == JsonValueKind.Undefined ? "-" : Params.GetRawText())} from {Source}";

    /// <summary>Reads one JSON-RPC notification; null when it is not one with a non-empty string <c>method</c>.</summary>
    internal static MiEvent? TryParse(ReadOnlyMemory<byte> payload, string source, DateTimeOffset receivedAt)
    {
        string? name = null;
        JsonElement parameters = default;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("method"u8, out var method) && method.ValueKind == JsonValueKind.String)
            {
                name = method.GetString();
                if (root.TryGetProperty("params"u8, out var p))
                {
                    parameters = p.Clone();
                }
            }
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrEmpty(name) ? null : new MiEvent(name, parameters, receivedAt, source);
    }

    private bool IsObject => Params.ValueKind == JsonValueKind.Object;

    private JsonElement? Member(string name) =>
        IsObject && Params.TryGetProperty(name, out var v) ? v : null;

    private string? Str(string name) => GetString(name);

    private long? Int(string name) => GetInt64(name);

    private double? Dbl(string name)
    {
        if (Member(name) is not { } v)
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetDouble(out var d) => d,
            JsonValueKind.String when double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }
}
