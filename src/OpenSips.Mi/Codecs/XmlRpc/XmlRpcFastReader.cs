using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpenSips.Mi;

/// <summary>
/// A reader of the one XML shape mi_xmlrpc_ng writes (docs/wire-facts.md#xmlrpc-reply), straight from the UTF-8 bytes into
/// JSON: an XML declaration (version 1.0, UTF-8), <c>methodResponse</c>, then <c>params/param/value</c> or
/// <c>fault/value</c>; elements without attributes or prefixes; whitespace between elements; text with the five predefined
/// entities and character references.
/// </summary>
/// <remarks>
/// It accepts a strict subset of what <see cref="XmlRpcReplyReader"/>'s <see cref="System.Xml.XmlTextReader"/> path accepts and
/// gives the same JSON for it. Anything else — a DOCTYPE, a comment, a processing instruction, CDATA, an attribute, a
/// prefix, another encoding, invalid UTF-8, a character XML forbids, an unknown entity, a value it cannot read, or
/// any structural error — makes it give up (<see langword="false"/>) without a word, and the caller reads the reply again
/// with the general path, which either reads it or says precisely what is wrong. So no error message comes from here,
/// and no markup declaration is ever interpreted.
/// </remarks>
internal ref struct XmlRpcFastReader
{
    private readonly ReadOnlySpan<byte> _xml;
    private readonly Utf8JsonWriter _writer;
    private int _pos;
    private byte[]? _scratch;

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    // XML's whitespace.
    private static ReadOnlySpan<byte> Space => " \t\r\n"u8;

    // U+FFFE and U+FFFF in UTF-8: valid UTF-8, but not XML characters.
    private static ReadOnlySpan<byte> NonCharacterFFFE => [0xEF, 0xBF, 0xBE];

    private static ReadOnlySpan<byte> NonCharacterFFFF => [0xEF, 0xBF, 0xBF];

    private XmlRpcFastReader(ReadOnlySpan<byte> xml, Utf8JsonWriter writer)
    {
        _xml = xml;
        _writer = writer;
    }

    /// <summary>Writes the reply's value as JSON; false when the reply is outside the subset (the writer is then garbage).</summary>
    public static bool TryRead(ReadOnlySpan<byte> xml, Utf8JsonWriter writer, out bool isFault)
    {
        isFault = false;
        if (!System.Text.Unicode.Utf8.IsValid(xml))
        {
            return false;
        }

        var reader = new XmlRpcFastReader(xml, writer);
        try
        {
            return reader.ReadDocument(out isFault);
        }
        finally
        {
            if (reader._scratch is { } scratch)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    private bool ReadDocument(out bool isFault)
    {
        isFault = false;
        if (_xml.StartsWith(ByteOrderMark))
        {
            _pos = 3;
        }

        if (!SkipDeclaration()
            || !NextStart(out var name, out var empty) || empty || !name.SequenceEqual("methodResponse"u8)
            || !NextStart(out name, out empty) || empty)
        {
            return false;
        }

        isFault = name.SequenceEqual("fault"u8);
        if (!isFault)
        {
            if (!name.SequenceEqual("params"u8) || !NextStart(out name, out empty) || empty || !name.SequenceEqual("param"u8))
            {
                return false;
            }
        }

        if (!NextStart(out name, out empty) || !name.SequenceEqual("value"u8) || !ReadValue(empty, 1))
        {
            return false;
        }

        if (isFault)
        {
            if (!NextEnd("fault"u8))
            {
                return false;
            }
        }
        else if (!NextEnd("param"u8) || !NextEnd("params"u8))
        {
            return false;
        }

        if (!NextEnd("methodResponse"u8))
        {
            return false;
        }

        SkipWhitespace();
        return _pos == _xml.Length;
    }

    // Only `<?xml version="1.0" [encoding="UTF-8"] [standalone="yes|no"]?>`, and only at the very start.
    private bool SkipDeclaration()
    {
        if (!_xml[_pos..].StartsWith("<?xml"u8))
        {
            return true;
        }

        var rest = _xml[(_pos + 5)..];
        var end = rest.IndexOf("?>"u8);
        if (end < 0)
        {
            return false;
        }

        var content = rest[..end];
        var sawVersion = false;
        while (true)
        {
            var trimmed = content.TrimStart(Space);
            if (trimmed.IsEmpty)
            {
                break;
            }

            if (trimmed.Length == content.Length)
            {
                return false;
            }

            var equals = trimmed.IndexOf((byte)'=');
            if (equals <= 0 || equals + 1 >= trimmed.Length)
            {
                return false;
            }

            var key = trimmed[..equals];
            var quote = trimmed[equals + 1];
            if (quote is not ((byte)'"' or (byte)'\''))
            {
                return false;
            }

            var valueLength = trimmed[(equals + 2)..].IndexOf(quote);
            if (valueLength < 0)
            {
                return false;
            }

            var value = trimmed.Slice(equals + 2, valueLength);
            var ok = key.SequenceEqual("version"u8) ? !sawVersion && value.SequenceEqual("1.0"u8)
                : key.SequenceEqual("encoding"u8) ? sawVersion && Ascii.EqualsIgnoreCase(value, "UTF-8"u8)
                : key.SequenceEqual("standalone"u8) && sawVersion && (value.SequenceEqual("yes"u8) || value.SequenceEqual("no"u8));
            if (!ok)
            {
                return false;
            }

            sawVersion = true;
            content = trimmed[(equals + 2 + valueLength + 1)..];
        }

        if (!sawVersion)
        {
            return false;
        }

        _pos += 5 + end + 2;
        return true;
    }

    private void SkipWhitespace()
    {
        while (_pos < _xml.Length && IsSpace(_xml[_pos]))
        {
            _pos++;
        }
    }

    /// <summary>After optional whitespace: a start tag (true) — anything else, an end tag included, gives up.</summary>
    private bool NextStart(out ReadOnlySpan<byte> name, out bool empty)
    {
        SkipWhitespace();
        return StartTag(out name, out empty);
    }

    /// <summary>After optional whitespace: a start tag (true, <paramref name="end"/> false) or an end tag (true, <paramref name="end"/> true).</summary>
    private bool NextStartOrEnd(out ReadOnlySpan<byte> name, out bool empty, out bool end)
    {
        SkipWhitespace();
        end = _xml[_pos..].StartsWith("</"u8);
        if (end)
        {
            name = default;
            empty = false;
            return true;
        }

        return StartTag(out name, out empty);
    }

    private bool StartTag(out ReadOnlySpan<byte> name, out bool empty)
    {
        name = default;
        empty = false;
        if (_pos >= _xml.Length || _xml[_pos] != (byte)'<')
        {
            return false;
        }

        var start = _pos + 1;
        var at = start;
        while (at < _xml.Length && IsNameByte(_xml[at]))
        {
            at++;
        }

        if (at == start || !IsNameStart(_xml[start]))
        {
            return false;
        }

        name = _xml[start..at];
        while (at < _xml.Length && IsSpace(_xml[at]))
        {
            at++;
        }

        if (_xml[at..].StartsWith("/>"u8))
        {
            empty = true;
            _pos = at + 2;
            return true;
        }

        if (at < _xml.Length && _xml[at] == (byte)'>')
        {
            _pos = at + 1;
            return true;
        }

        // An attribute, or not a tag at all.
        return false;
    }

    private bool NextEnd(ReadOnlySpan<byte> name)
    {
        SkipWhitespace();
        return EndTag(name);
    }

    private bool EndTag(ReadOnlySpan<byte> name)
    {
        var rest = _xml[_pos..];
        if (!rest.StartsWith("</"u8) || !rest[2..].StartsWith(name))
        {
            return false;
        }

        var at = _pos + 2 + name.Length;
        while (at < _xml.Length && IsSpace(_xml[at]))
        {
            at++;
        }

        if (at >= _xml.Length || _xml[at] != (byte)'>')
        {
            return false;
        }

        _pos = at + 1;
        return true;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    // ASCII names only (OpenSIPS's are); a prefix (':') or any other byte gives up.
    private static bool IsNameStart(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (byte)'_';

    private static bool IsNameByte(byte b) => IsNameStart(b) || b is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.';

    /// <summary>One <c>&lt;value&gt;</c>, its start tag read; ends after its end tag.</summary>
    private bool ReadValue(bool empty, int depth)
    {
        if (depth > XmlRpcReplyReader.MaxDepth)
        {
            return false;
        }

        if (empty)
        {
            _writer.WriteStringValue(ReadOnlySpan<byte>.Empty);
            return true;
        }

        var textStart = _pos;
        SkipWhitespace();
        if (_pos < _xml.Length && _xml[_pos] == (byte)'<' && !_xml[_pos..].StartsWith("</"u8))
        {
            return StartTag(out var type, out var typeEmpty) && ReadTyped(type, typeEmpty, depth) && NextEnd("value"u8);
        }

        // An untyped value: its text (whitespace included) is a string.
        _pos = textStart;
        if (!ReadText(out var text))
        {
            return false;
        }

        _writer.WriteStringValue(text);
        return EndTag("value"u8);
    }

    private bool ReadTyped(ReadOnlySpan<byte> type, bool empty, int depth)
    {
        if (type.SequenceEqual("struct"u8))
        {
            return ReadStruct(empty, depth);
        }

        if (type.SequenceEqual("array"u8))
        {
            return ReadArray(empty, depth);
        }

        ReadOnlySpan<byte> text = default;
        if (!empty && (!ReadText(out text) || !EndTag(type)))
        {
            return false;
        }

        if (type.SequenceEqual("string"u8) || type.SequenceEqual("base64"u8) || type.SequenceEqual("dateTime.iso8601"u8))
        {
            _writer.WriteStringValue(text);
            return true;
        }

        if (type.SequenceEqual("int"u8) || type.SequenceEqual("i4"u8) || type.SequenceEqual("i8"u8))
        {
            if (!long.TryParse(text.Trim(Space), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return false;
            }

            _writer.WriteNumberValue(integer);
            return true;
        }

        if (type.SequenceEqual("double"u8))
        {
            if (!double.TryParse(text.Trim(Space), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            {
                return false;
            }

            XmlRpcReplyReader.WriteDouble(_writer, d);
            return true;
        }

        if (type.SequenceEqual("boolean"u8))
        {
            var flag = text.Trim(Space);
            if (flag.SequenceEqual("1"u8) || flag.SequenceEqual("true"u8))
            {
                _writer.WriteBooleanValue(true);
                return true;
            }

            if (flag.SequenceEqual("0"u8) || flag.SequenceEqual("false"u8))
            {
                _writer.WriteBooleanValue(false);
                return true;
            }

            return false;
        }

        if (type.SequenceEqual("nil"u8))
        {
            _writer.WriteNullValue();
            return true;
        }

        return false;
    }

    private bool ReadStruct(bool empty, int depth)
    {
        _writer.WriteStartObject();
        if (!empty)
        {
            while (true)
            {
                if (!NextStartOrEnd(out var name, out var memberEmpty, out var end))
                {
                    return false;
                }

                if (end)
                {
                    if (!EndTag("struct"u8))
                    {
                        return false;
                    }

                    break;
                }

                if (memberEmpty || !name.SequenceEqual("member"u8)
                    || !NextStart(out name, out var nameEmpty) || !name.SequenceEqual("name"u8))
                {
                    return false;
                }

                ReadOnlySpan<byte> key = default;
                if (!nameEmpty && (!ReadText(out key) || !EndTag("name"u8)))
                {
                    return false;
                }

                _writer.WritePropertyName(key);
                if (!NextStart(out name, out var valueEmpty) || !name.SequenceEqual("value"u8)
                    || !ReadValue(valueEmpty, depth + 1) || !NextEnd("member"u8))
                {
                    return false;
                }
            }
        }

        _writer.WriteEndObject();
        return true;
    }

    private bool ReadArray(bool empty, int depth)
    {
        _writer.WriteStartArray();
        if (!empty)
        {
            if (!NextStart(out var name, out var dataEmpty) || !name.SequenceEqual("data"u8))
            {
                return false;
            }

            if (!dataEmpty)
            {
                while (true)
                {
                    if (!NextStartOrEnd(out name, out var valueEmpty, out var end))
                    {
                        return false;
                    }

                    if (end)
                    {
                        if (!EndTag("data"u8))
                        {
                            return false;
                        }

                        break;
                    }

                    if (!name.SequenceEqual("value"u8) || !ReadValue(valueEmpty, depth + 1))
                    {
                        return false;
                    }
                }
            }

            if (!NextEnd("array"u8))
            {
                return false;
            }
        }

        _writer.WriteEndArray();
        return true;
    }

    /// <summary>
    /// Character data up to the next <c>&lt;/</c>, entities decoded: the bytes as they are when there is no entity, else
    /// a decoded copy. Gives up on markup other than an end tag, on characters XML forbids and on unknown entities.
    /// </summary>
    private bool ReadText(out ReadOnlySpan<byte> text)
    {
        text = default;
        var rest = _xml[_pos..];
        var length = rest.IndexOf((byte)'<');
        if (length < 0 || !rest[length..].StartsWith("</"u8))
        {
            return false;
        }

        var raw = rest[..length];
        if (raw.IndexOf("]]>"u8) >= 0 || raw.IndexOf(NonCharacterFFFE) >= 0 || raw.IndexOf(NonCharacterFFFF) >= 0)
        {
            return false;
        }

        foreach (var b in raw)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        _pos += length;
        if (raw.IndexOf((byte)'&') < 0)
        {
            text = raw;
            return true;
        }

        if (_scratch is null || _scratch.Length < raw.Length)
        {
            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = ArrayPool<byte>.Shared.Rent(raw.Length);
        }

        // A decoded entity is never longer than its reference (at most 4 UTF-8 bytes for at least 4 bytes of "&#N;").
        var written = 0;
        var output = _scratch.AsSpan();
        while (!raw.IsEmpty)
        {
            var amp = raw.IndexOf((byte)'&');
            if (amp < 0)
            {
                raw.CopyTo(output[written..]);
                written += raw.Length;
                break;
            }

            raw[..amp].CopyTo(output[written..]);
            written += amp;
            raw = raw[(amp + 1)..];
            var semicolon = raw.IndexOf((byte)';');
            if (semicolon <= 0)
            {
                return false;
            }

            var entity = raw[..semicolon];
            raw = raw[(semicolon + 1)..];
            if (!DecodeEntity(entity, output[written..], out var decoded))
            {
                return false;
            }

            written += decoded;
        }

        text = output[..written];
        return true;
    }

    private static bool DecodeEntity(ReadOnlySpan<byte> entity, Span<byte> output, out int written)
    {
        // The five predefined entities; no other name is known (no DTD is ever read).
        var predefined = entity.SequenceEqual("lt"u8) ? (byte)'<'
            : entity.SequenceEqual("gt"u8) ? (byte)'>'
            : entity.SequenceEqual("amp"u8) ? (byte)'&'
            : entity.SequenceEqual("quot"u8) ? (byte)'"'
            : entity.SequenceEqual("apos"u8) ? (byte)'\''
            : (byte)0;
        if (predefined != 0)
        {
            output[0] = predefined;
            written = 1;
            return true;
        }

        written = 0;
        if (entity.Length < 2 || entity[0] != (byte)'#')
        {
            return false;
        }

        var hex = entity[1] == (byte)'x';
        var digits = entity[(hex ? 2 : 1)..];
        if (digits.IsEmpty || digits.Length > 8
            || !uint.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        // XML's Char production: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF.
        var allowed = code is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);
        return allowed && new Rune((int)code).TryEncodeToUtf8(output, out written);
    }
}
