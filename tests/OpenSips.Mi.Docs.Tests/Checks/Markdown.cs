using System.Text.RegularExpressions;

namespace OpenSips.Mi.Docs.Tests.Checks;

/// <summary>One fenced block of a markdown page, with the marker comment just before it and just after it, if any.</summary>
internal sealed record FencedBlock(string Page, int Line, string Language, IReadOnlyList<string> Lines, string? MarkerBefore, string? MarkerAfter, int Start, int End)
{
    public string Text => string.Join('\n', Lines);

    public bool IsCSharp => Language is "csharp" or "cs" or "c#";

    public override string ToString() => $"{Page}:{Line} ({Language})";
}

/// <summary>
/// Finds fenced blocks and the documentation markers around them: <c>&lt;!-- snippet: NAME --&gt;</c> before a C# block
/// and <c>&lt;!-- endsnippet --&gt;</c> after it; <c>&lt;!-- not-run: REASON --&gt;</c> before a shell block whose
/// <c>opensips-mi</c> lines are not run.
/// </summary>
internal static partial class Markdown
{
    public static IReadOnlyList<FencedBlock> Blocks(string page, string text)
    {
        var lines = text.Split('\n');
        var blocks = new List<FencedBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var ticks = open.Groups["ticks"].Value;
            var indent = open.Groups["indent"].Value.Length;
            var body = new List<string>();
            var j = i + 1;
            for (; j < lines.Length; j++)
            {
                var close = Fence().Match(lines[j]);
                if (close.Success && close.Groups["lang"].Value.Length == 0 && close.Groups["ticks"].Value.Length >= ticks.Length)
                {
                    break;
                }

                var line = lines[j];
                body.Add(line.Length >= indent && string.IsNullOrWhiteSpace(line[..indent]) ? line[indent..] : line.TrimStart());
            }

            var before = i > 0 ? Marker(lines[i - 1]) : null;
            var after = j + 1 < lines.Length ? Marker(lines[j + 1]) : null;
            blocks.Add(new FencedBlock(page, i + 1, open.Groups["lang"].Value, body, before, after, i, j));
            i = j;
        }

        return blocks;
    }

    private static string? Marker(string line)
    {
        var m = MarkerPattern().Match(line.Trim());
        return m.Success ? m.Groups[1].Value.Trim() : null;
    }

    /// <summary>The snippet name of a <c>snippet: NAME</c> marker, or null.</summary>
    public static string? SnippetName(string? marker) =>
        marker is not null && marker.StartsWith("snippet:", StringComparison.Ordinal) ? marker["snippet:".Length..].Trim() : null;

    /// <summary>The reason of a <c>not-run: REASON</c> marker, or null.</summary>
    public static string? NotRunReason(string? marker) =>
        marker is not null && marker.StartsWith("not-run:", StringComparison.Ordinal) ? marker["not-run:".Length..].Trim() : null;

    [GeneratedRegex(@"^(?<indent>\s*)(?<ticks>```+)(?<lang>[\w#+-]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^<!--\s*(.*?)\s*-->$")]
    private static partial Regex MarkerPattern();
}
