using System.Text.Json;
using Spectre.Console;

namespace OpenSips.Mi.Cli.Output;

/// <summary>
/// Builds a table from a list-like result: an array of objects (one row each), an object holding one such array
/// (<c>ps</c> → <c>{"Processes":[…]}</c>), an array of scalars (<c>which</c>), or a flat object (<c>get_statistics</c>,
/// <c>uptime</c>) as name/value rows. Anything else is not list-like.
/// </summary>
internal static class TableBuilder
{
    public static Table? TryBuild(JsonElement result)
    {
        if (result.ValueKind == JsonValueKind.Object)
        {
            var members = result.EnumerateObject().ToList();
            if (members.Count == 1 && members[0].Value.ValueKind == JsonValueKind.Array && IsRows(members[0].Value))
            {
                return FromRows(members[0].Value, members[0].Name);
            }

            if (members.All(m => IsScalar(m.Value)))
            {
                var table = NewTable(null);
                table.AddColumn("Name");
                table.AddColumn(new TableColumn("Value").RightAligned());
                foreach (var member in members)
                {
                    table.AddRow(Markup.Escape(member.Name), Markup.Escape(JsonText.Cell(member.Value)));
                }

                return table;
            }

            return null;
        }

        if (result.ValueKind == JsonValueKind.Array)
        {
            if (result.EnumerateArray().All(IsScalar))
            {
                var table = NewTable(null);
                table.AddColumn("Value");
                foreach (var item in result.EnumerateArray())
                {
                    table.AddRow(Markup.Escape(JsonText.Cell(item)));
                }

                return table;
            }

            return IsRows(result) ? FromRows(result, null) : null;
        }

        return null;
    }

    private static bool IsRows(JsonElement array) =>
        array.GetArrayLength() > 0 && array.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object);

    private static bool IsScalar(JsonElement e) => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array);

    private static Table FromRows(JsonElement rows, string? title)
    {
        var columns = new List<string>();
        foreach (var row in rows.EnumerateArray())
        {
            foreach (var member in row.EnumerateObject())
            {
                if (!columns.Contains(member.Name, StringComparer.Ordinal))
                {
                    columns.Add(member.Name);
                }
            }
        }

        var table = NewTable(title);
        foreach (var column in columns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (var row in rows.EnumerateArray())
        {
            var cells = columns.Select(c => row.TryGetProperty(c, out var v) ? Markup.Escape(JsonText.Cell(v)) : string.Empty).ToArray();
            table.AddRow(cells);
        }

        return table;
    }

    private static Table NewTable(string? title)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }

        return table;
    }
}
