using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>
/// Prints JSON the way OpenSIPS's bundled cJSON does (compact, only the mandatory escapes, non-ASCII as raw UTF-8,
/// numbers through <c>%d</c>/<c>%.0f</c>/<c>%f</c>), because System.Text.Json escapes more and formats numbers differently.
/// </summary>
internal static class CJson
{
    public static byte[] Serialize(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, node);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, JsonNode? node)
    {
        switch (node)
        {
            case null:
                Ascii(output, "null");
                break;
            case JsonObject obj:
                Ascii(output, "{");
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                    {
                        Ascii(output, ",");
                    }

                    first = false;
                    WriteString(output, key);
                    Ascii(output, ":");
                    Write(output, value);
                }

                Ascii(output, "}");
                break;
            case JsonArray arr:
                Ascii(output, "[");
                for (var i = 0; i < arr.Count; i++)
                {
                    if (i > 0)
                    {
                        Ascii(output, ",");
                    }

                    Write(output, arr[i]);
                }

                Ascii(output, "]");
                break;
            case JsonValue value:
                WriteValue(output, value);
                break;
            default:
                Ascii(output, "null");
                break;
        }
    }

    private static void WriteValue(IBufferWriter<byte> output, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(output, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                Ascii(output, JsonNumbers.AsDouble(value) is { } d ? FormatNumber(d) : "null");
                break;
            case JsonValueKind.True:
                Ascii(output, "true");
                break;
            case JsonValueKind.False:
                Ascii(output, "false");
                break;
            default:
                Ascii(output, "null");
                break;
        }
    }

    public static void WriteString(IBufferWriter<byte> output, string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        output.Write(bytes);
    }

    /// <summary>cJSON's print_number.</summary>
    public static string FormatNumber(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return "null";
        }

        if (d >= int.MinValue && d <= int.MaxValue && Math.Abs(Math.Truncate(d) - d) <= double.Epsilon)
        {
            return ((int)d).ToString(CultureInfo.InvariantCulture);
        }

        if (Math.Abs(Math.Floor(d) - d) <= double.Epsilon && Math.Abs(d) < 1.0e60)
        {
            return d.ToString("F0", CultureInfo.InvariantCulture);
        }

        return Math.Abs(d) < 1.0e-6 || Math.Abs(d) > 1.0e9
            ? d.ToString("0.000000e+00", CultureInfo.InvariantCulture)
            : d.ToString("F6", CultureInfo.InvariantCulture);
    }

    /// <summary>cJSON's valueint: the double saturated into a C int.</summary>
    public static int ToCInt(double d)
    {
        if (double.IsNaN(d))
        {
            return 0;
        }

        if (d >= int.MaxValue)
        {
            return int.MaxValue;
        }

        return d <= int.MinValue ? int.MinValue : (int)d;
    }

    private static void Ascii(IBufferWriter<byte> output, string s) => output.Write(Encoding.ASCII.GetBytes(s));
}

/// <summary>Numbers in <see cref="JsonValue"/>s, whatever CLR type backs them.</summary>
internal static class JsonNumbers
{
    public static double? AsDouble(JsonValue value)
    {
        if (value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        var text = value.ToJsonString();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }
}
