namespace OpenSips.Mi.Cli.Views;

/// <summary>Small unicode sparklines: <c>▁▂▃▅█</c>, scaled from 0 to the largest value shown.</summary>
internal static class Sparkline
{
    private const string Levels = "▁▂▃▄▅▆▇█";

    /// <summary>The last <paramref name="width"/> values as one character each; empty when there are none.</summary>
    public static string Render(IReadOnlyList<double> values, int width)
    {
        ArgumentNullException.ThrowIfNull(values);
        var start = Math.Max(0, values.Count - width);
        var max = 0.0;
        for (var i = start; i < values.Count; i++)
        {
            max = Math.Max(max, values[i]);
        }

        var chars = new char[values.Count - start];
        for (var i = start; i < values.Count; i++)
        {
            var v = Math.Max(0, values[i]);
            var level = max <= 0 ? 0 : (int)Math.Round(v / max * (Levels.Length - 1));
            chars[i - start] = Levels[Math.Clamp(level, 0, Levels.Length - 1)];
        }

        return new string(chars);
    }
}
