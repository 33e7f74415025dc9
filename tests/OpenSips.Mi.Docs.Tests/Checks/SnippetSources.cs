using System.Text.RegularExpressions;

namespace OpenSips.Mi.Docs.Tests.Checks;

/// <summary>The <c>#region NAME</c> … <c>#endregion</c> blocks of the files under Snippets/, dedented: what the docs show.</summary>
internal static partial class SnippetSources
{
    public static string Folder { get; } = Path.Combine(Repository.Root, "tests", "OpenSips.Mi.Docs.Tests", "Snippets");

    public static IReadOnlyDictionary<string, (string File, string Code)> All { get; } = Load();

    private static Dictionary<string, (string File, string Code)> Load()
    {
        var all = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var start = Region().Match(lines[i]);
                if (!start.Success)
                {
                    continue;
                }

                var name = start.Groups[1].Value;
                var body = new List<string>();
                var j = i + 1;
                for (; j < lines.Length && !lines[j].Trim().StartsWith("#endregion", StringComparison.Ordinal); j++)
                {
                    body.Add(lines[j]);
                }

                if (!all.TryAdd(name, (Path.GetFileName(file), Dedent(body))))
                {
                    throw new InvalidOperationException($"snippet '{name}' is defined twice ({Path.GetFileName(file)})");
                }

                i = j;
            }
        }

        return all;
    }

    private static string Dedent(List<string> lines)
    {
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim()));
    }

    [GeneratedRegex(@"^\s*#region\s+([\w.-]+)\s*$")]
    private static partial Regex Region();
}
