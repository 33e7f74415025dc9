using System.Buffers;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>Builds event notifications byte for byte as OpenSIPS's event_datagram / event_stream print them (docs/wire-facts.md#events).</summary>
internal static class EventPayload
{
    /// <summary>Named params: the object as cJSON prints it.</summary>
    public static byte[] Named(JsonObject? parameters) => CJson.Serialize(parameters ?? []);

    /// <summary>
    /// raise_event with a JSON object in a string: numbers become integers (cJSON's valueint, so 1.9 is 1), strings stay
    /// strings, anything else (objects, arrays, booleans, null) is sent as its unformatted JSON text in a string.
    /// </summary>
    public static byte[] FromJsonString(JsonObject parsed)
    {
        var converted = new JsonObject();
        foreach (var (key, value) in parsed)
        {
            converted[key] = value switch
            {
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => JsonValue.Create(CJson.ToCInt(JsonNumbers.AsDouble(v) ?? 0)),
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => JsonValue.Create(v.GetValue<string>()),
                _ => JsonValue.Create(value?.ToJsonString() ?? "null"),
            };
        }

        return Named(converted);
    }

    /// <summary>
    /// raise_event with an array: OpenSIPS makes one unnamed parameter per value, as a string, and prints unnamed
    /// parameters as a JSON array: <c>["1","two","3"]</c> (checked against a real 3.4.18, 3.6.8 and 4.0.1).
    /// </summary>
    public static byte[] Unnamed(JsonArray values)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        buffer.Write("["u8);
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            var text = ParamValues.AsString(values[i]) ?? values[i]?.ToJsonString();
            if (text is null)
            {
                buffer.Write("null"u8);
            }
            else
            {
                CJson.WriteString(buffer, text);
            }
        }

        buffer.Write("]"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>{"jsonrpc":"2.0","method":"E_…","params":{…}}</c> (no id: a notification). An event without parameters has no
    /// <c>params</c> member at all, as OpenSIPS's evi_build_payload prints it.
    /// </summary>
    public static byte[] Notification(string method, ReadOnlySpan<byte> parameters)
    {
        var buffer = new ArrayBufferWriter<byte>(parameters.Length + 64);
        buffer.Write("{\"jsonrpc\":\"2.0\",\"method\":"u8);
        CJson.WriteString(buffer, method);
        if (!parameters.SequenceEqual("{}"u8))
        {
            buffer.Write(",\"params\":"u8);
            buffer.Write(parameters);
        }

        buffer.Write("}"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
