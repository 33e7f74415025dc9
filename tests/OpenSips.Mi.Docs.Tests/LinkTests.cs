using System.Text.RegularExpressions;

using OpenSips.Mi.Docs.Tests.Checks;

namespace OpenSips.Mi.Docs.Tests;

/// <summary>Every page reachable from the README, every relative link and anchor resolving, every wire-facts citation existing.</summary>
public sealed partial class LinkTests
{
    public static TheoryData<string> Pages() => [.. Repository.MarkdownPages()];

    [Fact]
    public void Every_docs_page_is_linked_from_the_README()
    {
        var readme = Repository.Read("README.md");
        var missing = Repository.MarkdownPages()
            .Where(p => p.StartsWith("docs/", StringComparison.Ordinal))
            .Where(p => !readme.Contains("](" + p, StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, "not linked from README.md: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Relative_links_and_their_anchors_resolve(string page)
    {
        var text = Repository.Read(page);
        var folder = Path.GetDirectoryName(Path.Combine(Repository.Root, page))!;
        var broken = new List<string>();
        foreach (Match link in Link().Matches(text))
        {
            var target = link.Groups[1].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var path = file.Length == 0 ? Path.Combine(Repository.Root, page) : Path.GetFullPath(Path.Combine(folder, file));
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor is not null && path.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(path)).Contains(anchor))
            {
                broken.Add($"{target}: no such anchor");
            }
        }

        Assert.True(broken.Count == 0, page + ": " + string.Join("; ", broken));
    }

    [Fact]
    public void Code_cites_wire_facts_that_exist_and_never_a_file_outside_the_repository()
    {
        var anchors = Anchors(Repository.Read("docs/wire-facts.md"));
        var problems = new List<string>();
        foreach (var folder in new[] { "src", "tests", "benchmarks", "samples" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, folder), "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
            {
                var text = File.ReadAllText(file);
                var name = Path.GetRelativePath(Repository.Root, file);
                foreach (Match cite in Citation().Matches(text))
                {
                    if (!anchors.Contains(cite.Groups[1].Value))
                    {
                        problems.Add($"{name}: docs/wire-facts.md#{cite.Groups[1].Value} does not exist");
                    }
                }

                if (folder == "src" && (text.Contains("opensips-wire/README", StringComparison.Ordinal) || OldFact().IsMatch(text)))
                {
                    problems.Add($"{name}: cites the captures' README or a numbered fact; cite docs/wire-facts.md#<anchor>");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Explicit <c>id</c>/<c>name</c> anchors and GitHub's heading anchors.</summary>
    internal static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in HtmlAnchor().Matches(markdown))
        {
            anchors.Add(m.Groups[1].Value);
        }

        var inFence = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            else if (!inFence && line.StartsWith('#'))
            {
                var title = line.TrimStart('#').Trim().ToLowerInvariant();
                var slug = new string([.. title.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')]).Replace(' ', '-');
                var unique = slug;
                for (var n = 1; !anchors.Add(unique); n++)
                {
                    unique = $"{slug}-{n}";
                }
            }
        }

        return anchors;
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"docs/wire-facts\.md#([\w-]+)")]
    private static partial Regex Citation();

    [GeneratedRegex(@"<a (?:id|name)=""([^""]+)""")]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex(@"\bfacts? \d+\b")]
    private static partial Regex OldFact();
}
