using System.Buffers;
using System.Globalization;
using System.Text;

namespace OpenSips.Mi;

/// <summary>
/// Writes a <c>methodCall</c> the way mi_xmlrpc_ng reads it (docs/wire-facts.md#xmlrpc-request), refusing every value it cannot carry BEFORE anything
/// is written: OpenSIPS accepts only non-empty <c>&lt;string&gt;</c>, <c>&lt;int&gt;</c> (a C int) and <c>&lt;array&gt;</c>
/// of those; named parameters are one <c>&lt;struct&gt;</c> param.
/// </summary>
internal static class XmlRpcRequestWriter
{
    private const string Advice = "use mi_http or mi_datagram, which carry any JSON value";

    public static void Write(IBufferWriter<byte> output, string method, MiParams parameters)
    {
        // Built in full first so that a refused value leaves the output untouched.
        var xml = new StringBuilder(256);
        xml.Append("<?xml version=\"1.0\"?>\n<methodCall><methodName>");
        AppendText(xml, method, "the method name");
        xml.Append("</methodName><params>");
        switch (parameters.Kind)
        {
            case MiParamsKind.Positional:
                for (var i = 0; i < parameters.Values.Count; i++)
                {
                    xml.Append("<param><value>");
                    AppendScalarOrArray(xml, parameters.Values[i], "#" + (i + 1).ToString(CultureInfo.InvariantCulture));
                    xml.Append("</value></param>");
                }

                break;
            case MiParamsKind.Named:
                // mi_xmlrpc_ng takes the members of a struct in the FIRST param as the named parameters.
                xml.Append("<param><value><struct>");
                foreach (var member in parameters.Members)
                {
                    xml.Append("<member><name>");
                    AppendText(xml, member.Key, $"the parameter name '{member.Key}'");
                    xml.Append("</name><value>");
                    AppendScalarOrArray(xml, member.Value, "'" + member.Key + "'");
                    xml.Append("</value></member>");
                }

                xml.Append("</struct></value></param>");
                break;
            default:
                break;
        }

        xml.Append("</params></methodCall>\n");

        var text = xml.ToString();
        var span = output.GetSpan(Encoding.UTF8.GetByteCount(text));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void AppendScalarOrArray(StringBuilder xml, MiValue value, string parameter)
    {
        if (value.Kind != MiValueKind.Array)
        {
            AppendScalar(xml, value, parameter, element: null);
            return;
        }

        xml.Append("<array><data>");
        var items = value.AsArray;
        for (var i = 0; i < items.Count; i++)
        {
            xml.Append("<value>");
            AppendScalar(xml, items[i], parameter, element: i + 1);
            xml.Append("</value>");
        }

        xml.Append("</data></array>");
    }

    private static void AppendScalar(StringBuilder xml, MiValue value, string parameter, int? element)
    {
        var where = element is { } n
            ? $"element {n.ToString(CultureInfo.InvariantCulture)} of parameter {parameter}"
            : $"parameter {parameter}";
        switch (value.Kind)
        {
            case MiValueKind.String:
                var s = value.AsString!;
                if (s.Length == 0)
                {
                    throw Refuse($"mi_xmlrpc_ng cannot carry an empty string for {where}: OpenSIPS rejects <string></string> (fault -32600); leave the parameter out, or {Advice}.");
                }

                xml.Append("<string>");
                AppendText(xml, s, where);
                xml.Append("</string>");
                break;
            case MiValueKind.Integer:
                var number = value.AsInteger;
                if (number is < int.MinValue or > int.MaxValue)
                {
                    throw Refuse($"mi_xmlrpc_ng cannot carry the integer {number.ToString(CultureInfo.InvariantCulture)} for {where}: OpenSIPS reads XML-RPC integers as 32-bit C ints; pass it as a string if the command takes one, or {Advice}.");
                }

                xml.Append("<int>").Append(number.ToString(CultureInfo.InvariantCulture)).Append("</int>");
                break;
            case MiValueKind.Null:
                throw Refuse($"mi_xmlrpc_ng cannot carry null for {where}: OpenSIPS accepts only non-empty strings, 32-bit integers and arrays of those; leave the parameter out, or {Advice}.");
            case MiValueKind.Boolean:
                throw Refuse($"mi_xmlrpc_ng cannot carry a boolean for {where}: OpenSIPS rejects <boolean> (fault -32600); pass the integer or string the command expects, or {Advice}.");
            case MiValueKind.Double:
                throw Refuse($"mi_xmlrpc_ng cannot carry the floating-point number {value.AsDouble.ToString("R", CultureInfo.InvariantCulture)} for {where}: OpenSIPS rejects <double> (fault -32600); pass an integer or a string, or {Advice}.");
            case MiValueKind.Array:
                throw Refuse($"mi_xmlrpc_ng cannot carry an array inside an array ({where}): OpenSIPS accepts only arrays of strings and integers; {Advice}.");
            default:
                throw Refuse(element is null
                    ? $"mi_xmlrpc_ng cannot carry an object for {where}: the only struct OpenSIPS reads is the one holding the named parameters themselves, so nested structs are refused; {Advice}."
                    : $"mi_xmlrpc_ng cannot carry an object as {where}: OpenSIPS rejects a struct inside an array (fault -32600); {Advice}.");
        }
    }

    /// <summary>Escapes text content: <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>, and CR as <c>&amp;#13;</c> so CRLF survives the server's XML parser (docs/wire-facts.md#xmlrpc-crlf).</summary>
    private static void AppendText(StringBuilder xml, string text, string where)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&':
                    xml.Append("&amp;");
                    break;
                case '<':
                    xml.Append("&lt;");
                    break;
                case '>':
                    xml.Append("&gt;");
                    break;
                case '\r':
                    xml.Append("&#13;");
                    break;
                case '\n' or '\t':
                    xml.Append(c);
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        xml.Append(c).Append(text[++i]);
                    }
                    else if (c < 0x20 || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                    {
                        throw Refuse($"mi_xmlrpc_ng cannot carry the character U+{(int)c:X4} in {where}: XML 1.0 has no way to write it (control characters other than tab, CR and LF, and unpaired surrogates); remove it, or {Advice}.");
                    }
                    else
                    {
                        xml.Append(c);
                    }

                    break;
            }
        }
    }

    // The message names the MI parameter; the .NET argument is always CommandAsync's parameters.
    private static ArgumentException Refuse(string message) => new(message);
}
