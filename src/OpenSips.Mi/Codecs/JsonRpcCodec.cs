using System.Buffers;
using System.Text.Json;

namespace OpenSips.Mi;

/// <summary>JSON-RPC 2.0 as OpenSIPS speaks it (docs/wire-facts.md#jsonrpc): compact requests, integer ids, no batches.</summary>
internal sealed class JsonRpcCodec : IMiCodec
{
    public static readonly JsonRpcCodec Instance = new();

    // OpenSIPS's cJSON prints '<', '>', '+' and non-ASCII as they are; escaping them (System.Text.Json's default)
    // would be valid JSON but not the bytes OpenSIPS itself exchanges.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private static readonly JsonEncodedText JsonRpc = JsonEncodedText.Encode("jsonrpc");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("2.0");
    private static readonly JsonEncodedText MethodName = JsonEncodedText.Encode("method");
    private static readonly JsonEncodedText ParamsName = JsonEncodedText.Encode("params");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");

    public string ContentType => "application/json";

    public bool HasIds => true;

    public bool TryReadReplyId(ReadOnlySpan<byte> reply, out int id) => TryReadId(reply, out id);

    // One writer per thread, reset onto each request's buffer: encoding is synchronous, so it is never shared.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public void EncodeRequest(IBufferWriter<byte> output, string method, MiParams parameters, int id)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, WriterOptions);
            t_writer = writer;
        }
        else
        {
            writer.Reset(output);
        }

        try
        {
            WriteRequest(writer, method, parameters, id);
            writer.Flush();
        }
        finally
        {
            // Forget the output (and any half-written state after an exception) until the next request.
            writer.Reset(Stream.Null);
        }
    }

    private static void WriteRequest(Utf8JsonWriter writer, string method, MiParams parameters, int id)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonRpc, Version);
        writer.WriteString(MethodName, method);
        switch (parameters.Kind)
        {
            case MiParamsKind.Positional:
                writer.WritePropertyName(ParamsName);
                writer.WriteStartArray();
                foreach (var value in parameters.Values)
                {
                    value.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
            case MiParamsKind.Named:
                writer.WritePropertyName(ParamsName);
                writer.WriteStartObject();
                foreach (var member in parameters.Members)
                {
                    writer.WritePropertyName(member.Key);
                    member.Value.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
            default:
                break;
        }

        writer.WriteNumber(IdName, id);
        writer.WriteEndObject();
    }

    /// <summary>Reads the integer id of a reply without decoding the rest; false when there is none or it is not an int.</summary>
    public static bool TryReadId(ReadOnlySpan<byte> reply, out int id)
    {
        // OpenSIPS prints the id as the last member: reading it from the end costs nothing even for a 64 KB reply, where
        // the reader below has to skip over the whole result first. Anything else takes the reader.
        if (TryReadTrailingId(reply, out id))
        {
            return true;
        }

        id = 0;
        try
        {
            var reader = new Utf8JsonReader(reply, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isId)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out id);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    /// <summary>Matches a reply that ends with <c>,"id":N}</c> (optionally followed by whitespace), N a decimal int32.</summary>
    internal static bool TryReadTrailingId(ReadOnlySpan<byte> reply, out int id)
    {
        id = 0;
        var end = reply.Length;
        while (end > 0 && reply[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            end--;
        }

        if (end < 8 || reply[end - 1] != (byte)'}')
        {
            return false;
        }

        var digitsEnd = end - 1;
        var digitsStart = digitsEnd;
        while (digitsStart > 0 && (uint)(reply[digitsStart - 1] - '0') <= 9)
        {
            digitsStart--;
        }

        var negative = digitsStart > 0 && reply[digitsStart - 1] == (byte)'-';
        var numberStart = negative ? digitsStart - 1 : digitsStart;
        var digits = digitsEnd - digitsStart;
        if (digits is 0 or > 10 || (digits > 1 && reply[digitsStart] == (byte)'0')
            || numberStart < 6 || !reply[(numberStart - 6)..numberStart].SequenceEqual(",\"id\":"u8))
        {
            return false;
        }

        long value = 0;
        foreach (var digit in reply[digitsStart..digitsEnd])
        {
            value = (value * 10) + (digit - '0');
        }

        value = negative ? -value : value;
        if (value is < int.MinValue or > int.MaxValue)
        {
            return false;
        }

        id = (int)value;
        return true;
    }

    public MiResponse DecodeResponse(string method, ReadOnlyMemory<byte> reply, int expectedId, string transport)
    {
        if (PlainTextReplies.LooksPlainText(reply.Span))
        {
            throw PlainTextReplies.ToException(reply.Span, transport);
        }

        // Strings in OpenSIPS replies are copied byte for byte (a User-Agent in Latin-1, say): read invalid UTF-8 as U+FFFD
        // rather than fail later, in JsonElement.GetString, with an InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(reply.Span))
        {
            reply = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(reply.Span));
        }

        // One pass of the reader checks the whole reply and finds its members; only the result's bytes are kept (the caller's
        // MiResponse parses them when first read), so a call that only checks success allocates no JSON document.
        Range result = default, error = default, id = default;
        bool hasResult = false, hasError = false, hasId = false;
        var span = reply.Span;
        try
        {
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                SkipToEnd(ref reader);
                throw Malformed(method, transport, "the reply is not a JSON object", reply);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var which = reader.ValueTextEquals("result"u8) ? 1 : reader.ValueTextEquals("error"u8) ? 2 : reader.ValueTextEquals("id"u8) ? 3 : 0;
                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                reader.Skip();
                var value = valueStart..(int)reader.BytesConsumed;

                // As with a JSON document, the last of duplicate members wins.
                switch (which)
                {
                    case 1:
                        (result, hasResult) = (value, true);
                        break;
                    case 2:
                        (error, hasError) = (value, true);
                        break;
                    case 3:
                        (id, hasId) = (value, true);
                        break;
                    default:
                        break;
                }
            }

            if (reader.Read())
            {
                throw new JsonException("data after the end of the reply");
            }
        }
        catch (JsonException ex)
        {
            throw new MiProtocolException(
                $"OpenSIPS {transport} sent a reply to '{method}' that is not valid JSON ({ex.Message}).",
                System.Text.Encoding.UTF8.GetString(reply.Span[..Math.Min(reply.Length, 512)]),
                ex);
        }

        if (!hasId)
        {
            throw Malformed(method, transport, "the reply has no id", reply);
        }

        var idText = span[id];
        if (idText.SequenceEqual("null"u8))
        {
            // OpenSIPS answers id null only when it could not read our request (parse error, invalid request).
            if (!hasError)
            {
                throw Malformed(method, transport, "a result with id null", reply);
            }
        }
        else if (!System.Buffers.Text.Utf8Parser.TryParse(idText, out int replyId, out var used) || used != idText.Length || replyId != expectedId)
        {
            throw Malformed(method, transport, $"the reply's id {System.Text.Encoding.UTF8.GetString(idText)} is not the request's id {expectedId}", reply);
        }

        if (hasError)
        {
            using var document = JsonDocument.Parse(reply[error], new JsonDocumentOptions { MaxDepth = 256 });
            return new MiResponse(method, ReadError(method, transport, document.RootElement, reply));
        }

        if (!hasResult)
        {
            throw Malformed(method, transport, "the reply has neither result nor error", reply);
        }

        return new MiResponse(method, span[result].ToArray());
    }

    private static void SkipToEnd(ref Utf8JsonReader reader)
    {
        // Report invalid JSON as such before calling valid JSON of the wrong shape malformed.
        while (reader.Read())
        {
        }
    }

    private static MiError ReadError(string method, string transport, JsonElement error, ReadOnlyMemory<byte> reply)
    {
        if (error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("code"u8, out var code) || code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out var codeValue))
        {
            throw Malformed(method, transport, "the error has no integer code", reply);
        }

        var message = error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
        JsonElement? data = error.TryGetProperty("data"u8, out var d) ? d.Clone() : null;
        return new MiError(codeValue, message, data);
    }

    private static MiProtocolException Malformed(string method, string transport, string what, ReadOnlyMemory<byte> reply) =>
        new($"OpenSIPS {transport} sent a reply to '{method}' that is not a valid JSON-RPC reply: {what}.",
            System.Text.Encoding.UTF8.GetString(reply.Span[..Math.Min(reply.Length, 512)]));
}
