using System.Text;
using CsCheck;

namespace OpenSips.Mi.Tests.Properties;

/// <summary>CsCheck generators shared by the property tests.</summary>
internal static class Generators
{
    /// <summary>Any UTF-16 text that is valid Unicode (surrogates only in pairs), controls and quotes included.</summary>
    public static readonly Gen<string> ValidText = Gen.OneOf(
            Gen.Char.Where(c => !char.IsSurrogate(c)).Select(c => c.ToString()),
            Gen.Char['\0', '\u007f'].Select(c => c.ToString()),
            Gen.OneOf("\"", "\\", "\r\n", "\u2028", "😀", "</string>", "]]>", "&amp;", "\u00e9"))
        .Array[0, 12]
        .Select(parts => string.Concat(parts));

    /// <summary>Any UTF-16 text, unpaired surrogates included.</summary>
    public static readonly Gen<string> AnyText = Gen.OneOf(Gen.Char, Gen.Char['\ud800', '\udfff']).Array[0, 16].Select(chars => new string(chars));

    /// <summary>Any finite number: integers near the 32/53/64-bit edges and doubles.</summary>
    private static readonly Gen<MiValue> Number = Gen.OneOf(
        Gen.Long.Select(MiValue.FromInteger),
        Gen.OneOf(0L, -1L, int.MaxValue, int.MinValue, (long)int.MaxValue + 1, 1L << 53, (1L << 53) + 1, long.MaxValue, long.MinValue).Select(MiValue.FromInteger),
        Gen.Double.Where(double.IsFinite).Select(MiValue.FromDouble));

    private static readonly Gen<MiValue> Scalar = Gen.OneOf(
        ValidText.Select(MiValue.FromString),
        Number,
        Gen.Bool.Select(MiValue.FromBoolean),
        Gen.Const(MiValue.Null));

    /// <summary>Any MiValue tree up to a few levels deep, with unique member names per object.</summary>
    public static readonly Gen<MiValue> Value = Gen.Recursive<MiValue>((depth, inner) => depth >= 3
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, inner.Array[0, 5].Select(items => MiValue.Array(items))),
            (1, Gen.Select(ValidText, inner).Array[0, 5].Select(members =>
                MiValue.Object(members.DistinctBy(m => m.Item1, StringComparer.Ordinal).Select(m => new KeyValuePair<string, MiValue>(m.Item1, m.Item2)))))));

    /// <summary>Strings mi_xmlrpc_ng can carry: non-empty, and only characters XML 1.0 can write.</summary>
    public static readonly Gen<string> XmlText = Gen.OneOf(
            Gen.Char.Where(c => c is '\t' or '\n' or '\r' || (c >= ' ' && !char.IsSurrogate(c) && c is not '\uFFFE' and not '\uFFFF')).Select(c => c.ToString()),
            Gen.OneOf("<", ">", "&", "\"", "'", "\r\n", " ", "😀", "]]>", "&#13;", "<![CDATA[x]]>"))
        .Array[1, 12]
        .Select(parts => string.Concat(parts));

    private static readonly Gen<MiValue> XmlScalar = Gen.OneOf(
        XmlText.Select(MiValue.FromString),
        Gen.Int.Select(i => MiValue.FromInteger(i)));

    /// <summary>A parameter mi_xmlrpc_ng can carry: a non-empty string, an int32, or an array of those.</summary>
    public static readonly Gen<MiValue> XmlValue = Gen.Frequency(
        (3, XmlScalar),
        (1, XmlScalar.Array[0, 5].Select(items => MiValue.Array(items))));

    /// <summary>JSON-ish text built from the words a JSON-RPC reply is made of, so that decoders get past the parser.</summary>
    public static readonly Gen<byte[]> JsonRpcLike = Gen.Recursive<string>((depth, inner) =>
    {
        var keys = Gen.OneOf("jsonrpc", "result", "error", "id", "code", "message", "data", "x");
        var scalar = Gen.OneOf(
            Gen.OneOf("null", "true", "false", "0", "-1", "1", "2147483648", "-32601", "1e3", "1.5", "\"2.0\"", "\"x\"", "\"\"", "[]", "{}"),
            Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (depth >= 3)
        {
            return scalar;
        }

        var obj = Gen.Select(keys, inner).Array[0, 5].Select(members => "{" + string.Join(",", members.Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}");
        var arr = inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]");
        return Gen.Frequency((3, scalar), (3, obj), (1, arr));
    }).Select(text => Encoding.UTF8.GetBytes(text));

    /// <summary>XML built from the elements an XML-RPC reply is made of, with text, entities and stray markup.</summary>
    public static readonly Gen<byte[]> XmlRpcLike = Gen.Recursive<string>((depth, inner) =>
    {
        var names = Gen.OneOf("methodResponse", "params", "param", "value", "string", "int", "i4", "i8", "double", "boolean",
            "nil", "array", "data", "struct", "member", "name", "fault", "base64", "dateTime.iso8601", "x");
        var text = Gen.OneOf("", "1", "-7", "0", "2147483648", "4294967295.000000", "abc", "&amp;", "&lt;", "&#13;", "&#0;", "&bogus;",
            " ", "\r\n", "faultCode", "faultString", "<", "]]>", "<!-- c -->", "<![CDATA[<x>]]>", "<?pi x?>");
        if (depth >= 4)
        {
            return text;
        }

        var element = Gen.Select(names, inner.Array[0, 4], Gen.Bool).Select((name, children, selfClosing) =>
            selfClosing && children.Length == 0 ? $"<{name}/>" : $"<{name}>{string.Concat(children)}</{name}>");
        return Gen.Frequency((2, text), (3, element));
    }).Select(body => Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?>\n<methodResponse>" + body + "</methodResponse>"));

    /// <summary>Captured bytes with a few bytes flipped, cut or repeated.</summary>
    public static Gen<byte[]> Mutations(IReadOnlyList<byte[]> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int[0, 3], Gen.Int, Gen.Byte).Select((which, how, where, value) =>
        {
            var seed = seeds[which];
            if (seed.Length == 0)
            {
                return seed;
            }

            var at = (int)((uint)where % (uint)seed.Length);
            return how switch
            {
                0 => seed[..at],
                1 => [.. seed[..at], value, .. seed[(at + 1)..]],
                2 => [.. seed[..at], .. seed[(at + 1)..]],
                _ => [.. seed[..at], .. seed[at..(at + Math.Min(32, seed.Length - at))], .. seed[at..]],
            };
        });
}
