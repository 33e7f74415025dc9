using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>One request as the emulator received it (also for requests it could not parse).</summary>
public sealed class MiEmulatorRequest
{
    internal MiEmulatorRequest(string transport, ReadOnlyMemory<byte> rawBytes, DateTimeOffset receivedAt)
    {
        Transport = transport;
        RawBytes = rawBytes;
        ReceivedAt = receivedAt;
    }

    /// <summary>One of the <see cref="MiTransport"/> names.</summary>
    public string Transport { get; }

    /// <summary>The MI command; empty when the request could not be parsed or had no string method.</summary>
    public string Method { get; internal set; } = string.Empty;

    /// <summary>The parameters: a JSON array (positional), object (named) or null. XML-RPC params are converted to JSON.</summary>
    public JsonNode? Params { get; internal set; }

    /// <summary>The request id as received (null when absent or JSON null; see <see cref="HasId"/>).</summary>
    public JsonNode? Id { get; internal set; }

    /// <summary>Whether the request carried an <c>id</c> member (false = JSON-RPC notification). Always true for XML-RPC.</summary>
    public bool HasId { get; internal set; }

    /// <summary>Whether the request could be parsed into a JSON-RPC / XML-RPC call at all.</summary>
    public bool IsParsed { get; internal set; }

    /// <summary>Whether the parameters are named (a non-empty JSON object or XML-RPC struct).</summary>
    public bool IsNamed => Params is JsonObject { Count: > 0 };

    /// <summary>Whether the parameters are positional (a non-empty JSON array).</summary>
    public bool IsPositional => Params is JsonArray { Count: > 0 };

    /// <summary>The bytes of the request: the datagram, the HTTP body, or the FIFO command's JSON.</summary>
    public ReadOnlyMemory<byte> RawBytes { get; }

    /// <summary>When the request arrived (emulator clock).</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>For mi_fifo: the reply FIFO name given in <c>:name:</c>.</summary>
    public string? FifoReplyName { get; internal set; }

    /// <summary>The parameter called <paramref name="name"/> (named call) or at <paramref name="position"/> (positional call), or null.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="position">The parameter's index in the command's recipe, for positional calls.</param>
    /// <returns>The value or null when absent.</returns>
    public JsonNode? Param(string name, int position = -1) => Params switch
    {
        JsonObject o => o.TryGetPropertyValue(name, out var v) ? v : null,
        JsonArray a when position >= 0 && position < a.Count => a[position],
        _ => null,
    };

    /// <summary>The positional parameter at <paramref name="position"/>, or null.</summary>
    /// <param name="position">Zero-based index.</param>
    /// <returns>The value or null when absent.</returns>
    public JsonNode? Param(int position) =>
        Params is JsonArray a && position >= 0 && position < a.Count ? a[position] : null;

    /// <summary>Whether the parameter is present (by name, or by position for positional calls).</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="position">The parameter's index in the command's recipe.</param>
    /// <returns>True when present.</returns>
    public bool HasParam(string name, int position = -1) => Params switch
    {
        JsonObject o => o.ContainsKey(name),
        JsonArray a => position >= 0 && position < a.Count,
        _ => false,
    };

    /// <summary>A parameter as a string (numbers are formatted as OpenSIPS does), or null when absent.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="position">The parameter's index in the command's recipe.</param>
    /// <returns>The string or null.</returns>
    public string? GetString(string name, int position = -1) => ParamValues.AsString(Param(name, position));

    /// <summary>A parameter as an int (a JSON number or a numeric string), or null when absent or not numeric.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="position">The parameter's index in the command's recipe.</param>
    /// <returns>The int or null.</returns>
    public int? GetInt(string name, int position = -1) => ParamValues.AsInt(Param(name, position));

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Transport} {Method} {Params?.ToJsonString() ?? "null"} id={(HasId ? Id?.ToJsonString() ?? "null" : "-")}");
}

/// <summary>Conversions of MI parameter values the way OpenSIPS's param getters do them.</summary>
internal static class ParamValues
{
    public static string? AsString(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        return v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => JsonNumbers.AsDouble(v) is { } d ? CJson.FormatNumber(d) : null,
            _ => null,
        };
    }

    public static int? AsInt(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        switch (v.GetValueKind())
        {
            case JsonValueKind.Number:
                return JsonNumbers.AsDouble(v) is { } d ? CJson.ToCInt(d) : null;
            case JsonValueKind.String:
                var s = v.GetValue<string>();
                return int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : null;
            default:
                return null;
        }
    }
}
