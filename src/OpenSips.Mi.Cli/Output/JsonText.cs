using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace OpenSips.Mi.Cli.Output;

/// <summary>JSON as text: compact (for <c>-o json</c>) or indented with Spectre colour markup (for <c>-o pretty</c>).</summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One line of compact JSON; non-ASCII stays readable UTF-8.</summary>
    public static string Compact(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, CompactOptions))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>A JSON string literal (quoted and escaped).</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, CliJsonContext.Default.String);

    /// <summary>Indented JSON as Spectre markup: keys blue, strings green, numbers cyan, booleans yellow, null grey.</summary>
    public static string PrettyMarkup(JsonElement element)
    {
        var builder = new StringBuilder();
        Write(builder, element, 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder b, JsonElement e, int depth)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                if (!e.EnumerateObject().Any())
                {
                    b.Append("{}");
                    return;
                }

                b.Append('{').Append('\n');
                var firstMember = true;
                foreach (var member in e.EnumerateObject())
                {
                    if (!firstMember)
                    {
                        b.Append(",\n");
                    }

                    firstMember = false;
                    Indent(b, depth + 1);
                    b.Append("[blue]").Append(Markup.Escape(Quote(member.Name))).Append("[/]: ");
                    Write(b, member.Value, depth + 1);
                }

                b.Append('\n');
                Indent(b, depth);
                b.Append('}');
                return;
            case JsonValueKind.Array:
                if (e.GetArrayLength() == 0)
                {
                    b.Append("[[]]");
                    return;
                }

                b.Append("[[\n");
                var firstItem = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        b.Append(",\n");
                    }

                    firstItem = false;
                    Indent(b, depth + 1);
                    Write(b, item, depth + 1);
                }

                b.Append('\n');
                Indent(b, depth);
                b.Append("]]");
                return;
            case JsonValueKind.String:
                b.Append("[green]").Append(Markup.Escape(Quote(e.GetString()!))).Append("[/]");
                return;
            case JsonValueKind.Number:
                b.Append("[cyan]").Append(e.GetRawText()).Append("[/]");
                return;
            case JsonValueKind.True:
            case JsonValueKind.False:
                b.Append("[yellow]").Append(e.ValueKind == JsonValueKind.True ? "true" : "false").Append("[/]");
                return;
            default:
                b.Append("[grey]null[/]");
                return;
        }
    }

    private static void Indent(StringBuilder b, int depth) => b.Append(' ', depth * 2);

    /// <summary>A scalar as a table cell: strings bare, other values as compact JSON.</summary>
    public static string Cell(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
        _ => Compact(e),
    };

    public static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);
}
