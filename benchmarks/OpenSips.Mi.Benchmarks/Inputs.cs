using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Benchmarks;

/// <summary>Reply bytes captured from OpenSIPS 3.6.8 (../shared/opensips-wire), embedded, plus generated variants.</summary>
public static class Inputs
{
    /// <summary>The embedded capture <paramref name="name"/> (a file in Inputs/).</summary>
    public static byte[] Load(string name)
    {
        using var stream = typeof(Inputs).Assembly.GetManifestResourceStream("Inputs." + name)
            ?? throw new InvalidOperationException($"Inputs/{name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A get_statistics reply with <paramref name="count"/> values, shaped like the captured one.</summary>
    public static byte[] Statistics(int count, int id)
    {
        var json = new StringBuilder("{\"jsonrpc\":\"2.0\",\"result\":{");
        for (var i = 0; i < count; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}\"group{i / 20}:statistic_{i}\":{i * 7919L}");
        }

        json.Append(CultureInfo.InvariantCulture, $"}},\"id\":{id}}}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>The same result as mi_xmlrpc_ng prints it (struct, array, string, int; doubles for integers beyond int32).</summary>
    public static byte[] ToXmlRpc(byte[] jsonReply)
    {
        using var document = JsonDocument.Parse(jsonReply);
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse>\n<params><param>\n");
        AppendValue(xml, document.RootElement.GetProperty("result"));
        xml.Append("</param></params>\n</methodResponse>\n");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    private static void AppendValue(StringBuilder xml, JsonElement value)
    {
        xml.Append("<value>");
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                xml.Append("<struct>");
                foreach (var member in value.EnumerateObject())
                {
                    xml.Append("<member><name>").Append(Escape(member.Name)).Append("</name>");
                    AppendValue(xml, member.Value);
                    xml.Append("</member>");
                }

                xml.Append("</struct>");
                break;
            case JsonValueKind.Array:
                xml.Append("<array><data>");
                foreach (var item in value.EnumerateArray())
                {
                    AppendValue(xml, item);
                }

                xml.Append("</data></array>");
                break;
            case JsonValueKind.Number when value.TryGetInt32(out var i):
                xml.Append("<int>").Append(i.ToString(CultureInfo.InvariantCulture)).Append("</int>");
                break;
            case JsonValueKind.Number:
                xml.Append("<double>").Append(value.GetDouble().ToString("F6", CultureInfo.InvariantCulture)).Append("</double>");
                break;
            default:
                xml.Append("<string>").Append(Escape(value.ToString())).Append("</string>");
                break;
        }

        xml.Append("</value>");
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
