using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>mi_xmlrpc_ng's response printing, byte for byte (docs/wire-facts.md#xmlrpc).</summary>
internal static class XmlRpcWriter
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n";

    public static byte[] Write(MiEmulatorReply reply)
    {
        var sb = new StringBuilder(Declaration);
        if (reply.Kind == MiEmulatorReplyKind.Error)
        {
            var (code, text) = reply.ErrorCode switch
            {
                JsonRpcCodes.InvalidRequest => (reply.ErrorCode, "server error. invalid xml-rpc. not conforming to spec."),
                JsonRpcCodes.MethodNotFound => (reply.ErrorCode, "server error. requested method not found"),

                // OpenSIPS 4.0's mi_xmlrpc does not pass the method name on, so an ambiguous name is just not found.
                JsonRpcCodes.MethodAmbiguous => (JsonRpcCodes.MethodNotFound, "server error. requested method not found"),
                JsonRpcCodes.InvalidParams => (reply.ErrorCode, "server error. invalid method parameters"),
                JsonRpcCodes.ParseError => (32700, "parse error. not well formed"),
                _ => (reply.ErrorCode, reply.ErrorMessage ?? string.Empty),
            };
            sb.Append("<fault><value>\r\n<struct>\r\n<member>\r\n<name>faultCode</name>\r\n<value><int>")
              .Append(code.ToString(CultureInfo.InvariantCulture))
              .Append("</int></value>\r\n</member>\r\n<member>\r\n<name>faultString</name>\r\n<value><string>");
            Escape(sb, text);
            sb.Append("</string></value>\r\n</member>\r\n</struct>\r\n</value>\r\n</fault>\r\n</methodResponse>\r\n");
        }
        else
        {
            sb.Append("<params><param>\r\n<value>");
            Value(sb, reply.ResultValue);
            sb.Append("</value></param></params>\r\n</methodResponse>\r\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void Value(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("<nil/>");
                break;
            case JsonObject obj:
                sb.Append("<struct>");
                foreach (var (key, value) in obj)
                {
                    sb.Append("<member><name>");
                    Escape(sb, key);
                    sb.Append("</name><value>");
                    Value(sb, value);
                    sb.Append("</value></member>");
                }

                sb.Append("</struct>");
                break;
            case JsonArray arr:
                sb.Append("<array><data>");
                foreach (var item in arr)
                {
                    sb.Append("<value>");
                    Value(sb, item);
                    sb.Append("</value>");
                }

                sb.Append("</data></array>");
                break;
            case JsonValue v:
                Scalar(sb, v);
                break;
        }
    }

    private static void Scalar(StringBuilder sb, JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                sb.Append("<string>");
                Escape(sb, v.GetValue<string>());
                sb.Append("</string>");
                break;
            case JsonValueKind.Number:
                var d = JsonNumbers.AsDouble(v) ?? 0;
                if (d >= int.MinValue && d <= int.MaxValue && Math.Truncate(d) == d)
                {
                    sb.Append("<int>").Append(((int)d).ToString(CultureInfo.InvariantCulture)).Append("</int>");
                }
                else
                {
                    sb.Append("<double>").Append(d.ToString("F6", CultureInfo.InvariantCulture)).Append("</double>");
                }

                break;
            case JsonValueKind.True:
                sb.Append("<boolean>1</boolean>");
                break;
            case JsonValueKind.False:
                sb.Append("<boolean>0</boolean>");
                break;
            default:
                sb.Append("<nil/>");
                break;
        }
    }

    private static void Escape(StringBuilder sb, string s)
    {
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
    }
}
