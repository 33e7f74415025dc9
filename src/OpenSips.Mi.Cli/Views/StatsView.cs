using System.Globalization;
using System.Text.Json;
using OpenSips.Mi.Cli.Output;
using Spectre.Console;

namespace OpenSips.Mi.Cli.Views;

/// <summary>One <c>get_statistics</c> answer and when it was taken.</summary>
internal sealed record StatsSample(DateTimeOffset At, IReadOnlyList<KeyValuePair<string, JsonElement>> Values)
{
    public static StatsSample FromResult(DateTimeOffset at, JsonElement result) =>
        new(at, result.ValueKind == JsonValueKind.Object
            ? result.EnumerateObject().Select(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value.Clone())).ToList()
            : []);

    public bool TryGetInteger(string name, out long value)
    {
        foreach (var pair in Values)
        {
            if (pair.Key == name && pair.Value.ValueKind == JsonValueKind.Number && pair.Value.TryGetInt64(out value))
            {
                return true;
            }
        }

        value = 0;
        return false;
    }
}

/// <summary>The <c>stats</c> table: one row per statistic, with a per-second rate when there is a previous sample.</summary>
internal static class StatsView
{
    public static Table Render(StatsSample current, StatsSample? previous)
    {
        ArgumentNullException.ThrowIfNull(current);
        var seconds = previous is null ? 0 : (current.At - previous.At).TotalSeconds;
        var withRates = previous is not null && seconds > 0;
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Statistic");
        table.AddColumn(new TableColumn("Value").RightAligned());
        if (withRates)
        {
            table.AddColumn(new TableColumn("Rate/s").RightAligned());
        }

        if (current.Values.Count == 0)
        {
            table.Caption("no such statistic (groups end with ':', e.g. dialog:)");
        }

        foreach (var (name, value) in current.Values)
        {
            var cell = Markup.Escape(JsonText.Cell(value));
            if (!withRates)
            {
                table.AddRow(Markup.Escape(name), cell);
                continue;
            }

            var rate = string.Empty;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var now) && previous!.TryGetInteger(name, out var before))
            {
                rate = ((now - before) / seconds).ToString("0.0", CultureInfo.InvariantCulture);
            }

            table.AddRow(Markup.Escape(name), cell, rate);
        }

        return table;
    }
}
