using OpenSips.Mi.Docs.Tests.Checks;

namespace OpenSips.Mi.Docs.Tests;

/// <summary>
/// Every markdown page (README.md, CONTRIBUTING.md, docs/*.md, found automatically): its C# blocks are snippets that match
/// their compiled source, and its console examples print what they show when run against the emulator.
/// Set OPENSIPS_MI_UPDATE_DOCS=1 to rewrite the C# blocks from their source instead of failing.
/// (One class, so the tests of one page never write it concurrently.)
/// </summary>
public sealed class DocPageTests
{
    private static bool Updating => Environment.GetEnvironmentVariable("OPENSIPS_MI_UPDATE_DOCS") == "1";

    public static TheoryData<string> Pages() => [.. Repository.MarkdownPages()];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_csharp_block_is_a_compiled_snippet_and_shows_its_source(string page)
    {
        var text = Repository.Read(page);
        var problems = new List<string>();
        var replacements = new List<(FencedBlock Block, string Code)>();
        foreach (var block in Markdown.Blocks(page, text).Where(b => b.IsCSharp))
        {
            var name = Markdown.SnippetName(block.MarkerBefore);
            if (name is null || block.MarkerAfter != "endsnippet")
            {
                problems.Add($"{block}: a C# block must sit between <!-- snippet: NAME --> and <!-- endsnippet --> (its code lives in tests/OpenSips.Mi.Docs.Tests/Snippets)");
                continue;
            }

            if (!SnippetSources.All.TryGetValue(name, out var source))
            {
                problems.Add($"{block}: no #region {name} in tests/OpenSips.Mi.Docs.Tests/Snippets");
                continue;
            }

            if (block.Text != source.Code)
            {
                replacements.Add((block, source.Code));
                problems.Add($"{block}: the block differs from #region {name} in Snippets/{source.File} (run the docs tests with OPENSIPS_MI_UPDATE_DOCS=1 to copy the source in)\n--- source:\n{source.Code}\n--- page:\n{block.Text}");
            }
        }

        if (Updating && replacements.Count > 0)
        {
            var lines = text.Split('\n').ToList();
            foreach (var (block, code) in replacements.OrderByDescending(r => r.Block.Start))
            {
                lines.RemoveRange(block.Start + 1, block.End - block.Start - 1);
                lines.InsertRange(block.Start + 1, code.Split('\n'));
            }

            File.WriteAllText(Path.Combine(Repository.Root, page), string.Join('\n', lines));
            problems.RemoveAll(p => p.Contains("differs from", StringComparison.Ordinal));
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_console_example_prints_what_the_page_shows(string page)
    {
        var failures = new List<string>();
        var text = Repository.Read(page);
        var rewrites = new List<(FencedBlock Block, IReadOnlyList<string> Lines)>();
        foreach (var block in Markdown.Blocks(page, text).Where(b => b.Language == "console"))
        {
            try
            {
                var (blockFailures, actual) = await ConsoleExamples.RunAsync(block, TestContext.Current.CancellationToken);
                failures.AddRange(blockFailures);
                if (blockFailures.Count > 0)
                {
                    rewrites.Add((block, actual));
                }
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex.Message);
            }
        }

        if (Updating && rewrites.Count > 0)
        {
            // Writes what the tool printed into the failing blocks; review the diff before committing.
            var lines = text.Split('\n').ToList();
            foreach (var (block, actual) in rewrites.OrderByDescending(r => r.Block.Start))
            {
                lines.RemoveRange(block.Start + 1, block.End - block.Start - 1);
                lines.InsertRange(block.Start + 1, actual);
            }

            File.WriteAllText(Path.Combine(Repository.Root, page), string.Join('\n', lines));
            return;
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_opensips_mi_command_line_is_run_or_says_why_not(string page)
    {
        var problems = new List<string>();
        foreach (var block in Markdown.Blocks(page, Repository.Read(page)).Where(b => b.Language is "sh" or "bash" or "shell" or "zsh" or "fish"))
        {
            var invokes = block.Lines.Any(l => l.TrimStart().StartsWith("opensips-mi ", StringComparison.Ordinal) || l.TrimStart().StartsWith("$ opensips-mi ", StringComparison.Ordinal));
            if (invokes && string.IsNullOrWhiteSpace(Markdown.NotRunReason(block.MarkerBefore)))
            {
                problems.Add($"{block}: opensips-mi examples go in a console block (run against the emulator, output shown) or after <!-- not-run: REASON -->");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
