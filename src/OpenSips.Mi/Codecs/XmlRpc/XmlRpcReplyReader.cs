using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace OpenSips.Mi;

/// <summary>
/// Reads a <c>methodResponse</c> (docs/wire-facts.md#xmlrpc) into the same <see cref="MiResponse"/> the JSON-RPC codec produces:
/// struct → object (member order kept), array → array, string and untyped value → string, int/i4 → number,
/// double → number (an integral double such as usrloc's <c>Methods</c> 4294967295.000000 becomes an integer),
/// boolean → true/false, nil → null.
/// </summary>
/// <remarks>
/// Parsed with <see cref="XmlTextReader"/> and <see cref="XmlTextReader.Normalization"/> off, because OpenSIPS leaves CR/LF raw
/// inside <c>&lt;string&gt;</c> (docs/wire-facts.md#xmlrpc-reply) and a normalizing reader (everything <see cref="XmlReader.Create(Stream)"/> builds)
/// would turn the CRLF of a SIP message in t_uac_dlg's <c>Message</c> into LF. DTDs are prohibited (a DOCTYPE is refused, so no
/// entity is ever expanded: no XXE, no billion laughs) and no resolver is set; since that reader has no
/// <c>MaxCharactersInDocument</c>, the reply size and the nesting depth are bounded here instead.
/// </remarks>
internal static class XmlRpcReplyReader
{
    /// <summary>The largest reply accepted (ul_dump of a big location table is a few MB).</summary>
    public const int MaxReplyBytes = 64 * 1024 * 1024;

    /// <summary>The deepest nesting of values accepted (OpenSIPS replies nest a handful of levels).</summary>
    public const int MaxDepth = 64;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public static MiResponse Read(string method, ReadOnlyMemory<byte> reply, string transport)
    {
        if (reply.Length > MaxReplyBytes)
        {
            throw Malformed(method, transport, $"the reply is {reply.Length} bytes, over the {MaxReplyBytes}-byte limit", reply, null);
        }

        if (!StartsLikeXml(reply.Span))
        {
            var text = Encoding.UTF8.GetString(reply.Span[..Math.Min(reply.Length, 512)]).Trim();
            throw new MiProtocolException(
                text.Length == 0
                    ? $"OpenSIPS {transport} sent an empty reply to '{method}' instead of XML-RPC."
                    : $"OpenSIPS {transport} answered '{(text.Length > 80 ? text[..80] + "…" : text)}' to '{method}' instead of XML-RPC: is this URL mi_xmlrpc_ng's root (default /RPC2)?",
                text);
        }

        // What mi_xmlrpc_ng sends goes straight from bytes to JSON; anything else, faults included, takes the general path.
        return TryReadFast(method, reply.Span) ?? ReadGeneral(method, reply, transport);
    }

    /// <summary>The general path: any well-formed XML-RPC reply, through <see cref="XmlTextReader"/>, and every error message.</summary>
    internal static MiResponse ReadGeneral(string method, ReadOnlyMemory<byte> reply, string transport)
    {
        try
        {
            using var stream = new MemoryStream(reply.ToArray(), writable: false);
            using var reader = new XmlTextReader(stream)
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                Normalization = false,
                WhitespaceHandling = WhitespaceHandling.All,
                EntityHandling = EntityHandling.ExpandCharEntities,
            };

            ExpectElement(reader, "methodResponse");
            ExpectElement(reader, "params", "fault");
            var isFault = reader.LocalName == "fault";
            if (!isFault)
            {
                ExpectElement(reader, "param");
            }

            ExpectElement(reader, "value");
            var value = ReadDocumentValue(reader);

            // The rest must still be well-formed; anything after the value is ignored.
            while (reader.Read())
            {
            }

            return isFault ? new MiResponse(method, ToError(value)) : new MiResponse(method, value);
        }
        catch (XmlException ex)
        {
            throw Malformed(method, transport, ex.Message.Contains("DTD", StringComparison.Ordinal)
                ? "it contains a DOCTYPE, which is refused (OpenSIPS never sends one; it could expand entities)"
                : "it is not well-formed XML (" + ex.Message + ")", reply, ex);
        }
        catch (FormatException ex)
        {
            throw Malformed(method, transport, ex.Message, reply, ex);
        }
    }

    [ThreadStatic]
    private static Utf8JsonWriter? t_fastWriter;

    /// <summary>The fast path (<see cref="XmlRpcFastReader"/>): a successful reply in mi_xmlrpc_ng's own shape, or <see langword="null"/>.</summary>
    internal static MiResponse? TryReadFast(string method, ReadOnlySpan<byte> reply)
    {
        var output = PooledBufferWriter.Rent();
        var writer = t_fastWriter;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output);
            t_fastWriter = writer;
        }
        else
        {
            writer.Reset(output);
        }

        try
        {
            if (!XmlRpcFastReader.TryRead(reply, writer, out var isFault) || isFault)
            {
                return null;
            }

            writer.Flush();
            return new MiResponse(method, output.WrittenSpan.ToArray());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // The writer refused what it was given (it checks the JSON's structure): the general path will say why.
            return null;
        }
        finally
        {
            writer.Reset(Stream.Null);
            PooledBufferWriter.Return(output);
        }
    }

    private static bool StartsLikeXml(ReadOnlySpan<byte> reply)
    {
        foreach (var b in reply)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            // A UTF-8 byte-order mark is fine for an XML parser.
            return b is (byte)'<' or 0xEF;
        }

        return false;
    }

    private static JsonElement ReadDocumentValue(XmlReader reader)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            ReadValue(reader, writer, 1);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = MaxDepth + 8 });
        return document.RootElement.Clone();
    }

    private static MiError ToError(JsonElement fault)
    {
        // mi_xmlrpc_ng maps -32600/-32601/-32602 to its own texts ("server error. invalid method parameters", losing the
        // JSON-RPC data detail) and reports a parse error as faultCode +32700 (positive, unlike JSON-RPC's -32700);
        // codes are kept as sent so a caller sees exactly what OpenSIPS answered (docs/wire-facts.md#xmlrpc-faults).
        if (fault.ValueKind != JsonValueKind.Object
            || !fault.TryGetProperty("faultCode"u8, out var code) || !code.TryGetInt32(out var codeValue))
        {
            throw new FormatException("the fault has no integer faultCode");
        }

        var message = fault.TryGetProperty("faultString"u8, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : string.Empty;
        return new MiError(codeValue, message);
    }

    /// <summary>Reads one <c>&lt;value&gt;</c>; the reader is on its start tag and ends on its end tag.</summary>
    private static void ReadValue(XmlReader reader, Utf8JsonWriter writer, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"values are nested deeper than {MaxDepth} levels");
        }

        if (reader.IsEmptyElement)
        {
            // <value/> is an empty untyped value, i.e. an empty string.
            writer.WriteStringValue(string.Empty);
            return;
        }

        var text = new StringBuilder();
        var typed = false;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.Element:
                    if (typed || !IsWhitespace(text))
                    {
                        throw new FormatException($"a <value> mixes text and <{reader.LocalName}>");
                    }

                    typed = true;
                    ReadTyped(reader, writer, depth);
                    break;
                case XmlNodeType.EndElement:
                    if (!typed)
                    {
                        // An untyped value is a string (XML-RPC spec); OpenSIPS itself always types its values.
                        writer.WriteStringValue(text.ToString());
                    }

                    return;
                default:
                    break;
            }
        }

        throw new FormatException("the reply ends inside a <value>");
    }

    private static void ReadTyped(XmlReader reader, Utf8JsonWriter writer, int depth)
    {
        var type = reader.LocalName;
        switch (type)
        {
            case "string" or "base64" or "dateTime.iso8601":
                writer.WriteStringValue(ReadSimpleText(reader));
                break;
            case "int" or "i4" or "i8":
                var integer = ReadSimpleText(reader).Trim();
                writer.WriteNumberValue(long.TryParse(integer, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : throw new FormatException($"<{type}>{integer}</{type}> is not an integer"));
                break;
            case "double":
                WriteDouble(writer, ReadSimpleText(reader).Trim());
                break;
            case "boolean":
                var flag = ReadSimpleText(reader).Trim();
                writer.WriteBooleanValue(flag switch
                {
                    "1" or "true" => true,
                    "0" or "false" => false,
                    _ => throw new FormatException($"<boolean>{flag}</boolean> is neither 1 nor 0"),
                });
                break;
            case "nil":
                _ = ReadSimpleText(reader);
                writer.WriteNullValue();
                break;
            case "struct":
                ReadStruct(reader, writer, depth);
                break;
            case "array":
                ReadArray(reader, writer, depth);
                break;
            default:
                throw new FormatException($"<{type}> is not an XML-RPC value type");
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            throw new FormatException($"<double>{text}</double> is not a finite number");
        }

        WriteDouble(writer, d);
    }

    /// <summary>A finite XML-RPC double as JSON; integral ones as JSON integers.</summary>
    internal static void WriteDouble(Utf8JsonWriter writer, double d)
    {
        // OpenSIPS prints integers beyond int32 as <double>%f</double> (docs/wire-facts.md#xmlrpc-reply): give them back as JSON integers,
        // as mi_http would. 2^63 itself is excluded: it does not fit in a long.
        if (Math.Truncate(d) == d && d >= long.MinValue && d < 9223372036854775808.0)
        {
            writer.WriteNumberValue((long)d);
        }
        else
        {
            writer.WriteNumberValue(d);
        }
    }

    private static void ReadStruct(XmlReader reader, Utf8JsonWriter writer, int depth)
    {
        writer.WriteStartObject();
        if (!reader.IsEmptyElement)
        {
            while (NextElementOrEnd(reader))
            {
                Expect(reader, "member");
                ExpectElement(reader, "name");
                var name = ReadSimpleText(reader);
                ExpectElement(reader, "value");
                writer.WritePropertyName(name);
                ReadValue(reader, writer, depth + 1);
                if (NextElementOrEnd(reader))
                {
                    throw new FormatException($"a <member> holds <{reader.LocalName}> after its value");
                }
            }
        }

        writer.WriteEndObject();
    }

    private static void ReadArray(XmlReader reader, Utf8JsonWriter writer, int depth)
    {
        writer.WriteStartArray();
        if (!reader.IsEmptyElement)
        {
            ExpectElement(reader, "data");
            if (!reader.IsEmptyElement)
            {
                while (NextElementOrEnd(reader))
                {
                    Expect(reader, "value");
                    ReadValue(reader, writer, depth + 1);
                }
            }

            if (NextElementOrEnd(reader))
            {
                throw new FormatException($"an <array> holds <{reader.LocalName}> after its <data>");
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads the text of an element that has no child elements; ends on its end tag.</summary>
    private static string ReadSimpleText(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            return string.Empty;
        }

        var name = reader.LocalName;
        var text = new StringBuilder();
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.Element:
                    throw new FormatException($"<{name}> contains an element <{reader.LocalName}>");
                case XmlNodeType.EndElement:
                    return text.ToString();
                default:
                    break;
            }
        }

        throw new FormatException($"the reply ends inside <{name}>");
    }

    /// <summary>Moves to the next start tag (true) or end tag (false), skipping whitespace, comments and processing instructions.</summary>
    private static bool NextElementOrEnd(XmlReader reader)
    {
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    return true;
                case XmlNodeType.EndElement:
                    return false;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    if (!string.IsNullOrWhiteSpace(reader.Value))
                    {
                        throw new FormatException($"unexpected text '{Shorten(reader.Value)}'");
                    }

                    break;
                default:
                    break;
            }
        }

        throw new FormatException("the reply ends too early");
    }

    private static void ExpectElement(XmlReader reader, params ReadOnlySpan<string> names)
    {
        if (!NextElementOrEnd(reader))
        {
            throw new FormatException($"<{names[0]}> is missing");
        }

        Expect(reader, names);
    }

    private static void Expect(XmlReader reader, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (reader.LocalName == name)
            {
                return;
            }
        }

        throw new FormatException($"expected <{string.Join(">/<", names.ToArray())}>, found <{reader.LocalName}>");
    }

    private static bool IsWhitespace(StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
        {
            if (!chunk.Span.IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static MiProtocolException Malformed(string method, string transport, string what, ReadOnlyMemory<byte> reply, Exception? inner) =>
        new($"OpenSIPS {transport} sent a reply to '{method}' that is not a valid XML-RPC reply: {what}.",
            Encoding.UTF8.GetString(reply.Span[..Math.Min(reply.Length, 512)]),
            inner);
}
