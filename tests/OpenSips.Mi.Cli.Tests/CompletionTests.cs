using System.CommandLine;
using System.Diagnostics;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli.Tests;

/// <summary>
/// Completion comes from the command tree: these tests walk the real tree (so a subcommand or option added later is
/// covered without editing them) and ask the tool what the scripts ask it, through the [suggest] directive.
/// </summary>
public sealed class CompletionTests
{
    private static RootCommand Tree() =>
        Cli.BuildRoot(new Cli.GlobalSymbols(), new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null, Variables = new Dictionary<string, string?>() });

    /// <summary>What a shell gets for the line typed so far, with the cursor at its end.</summary>
    private static async Task<string[]> SuggestAsync(string line, IDictionary<string, string?>? env = null)
    {
        var run = await CliRun.RunAsync([$"[suggest:{line.Length}]", line], env ?? new Dictionary<string, string?>());
        Assert.Equal(0, run.ExitCode);
        return run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static TheoryData<string> Subcommands() => [.. Tree().Subcommands.Select(c => c.Name)];

    public static TheoryData<string, string> OptionsOfEveryCommand()
    {
        var data = new TheoryData<string, string>();
        var root = Tree();
        foreach (var option in root.Options.Where(o => !o.Hidden))
        {
            foreach (var name in option.Aliases.Append(option.Name))
            {
                data.Add(string.Empty, name);
            }
        }

        foreach (var command in root.Subcommands)
        {
            foreach (var option in command.Options.Concat(root.Options.Where(o => o.Recursive)).Where(o => !o.Hidden))
            {
                foreach (var name in option.Aliases.Append(option.Name))
                {
                    data.Add(command.Name, name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Subcommands))]
    public async Task Every_subcommand_is_completed_from_its_first_letters(string subcommand)
    {
        var completions = await SuggestAsync("./bin/opensips-mi " + subcommand[..Math.Min(2, subcommand.Length)]);

        Assert.Contains(subcommand, completions);
    }

    [Theory]
    [MemberData(nameof(OptionsOfEveryCommand))]
    public async Task Every_option_of_every_command_is_completed(string subcommand, string option)
    {
        var prefix = option.StartsWith("--", StringComparison.Ordinal) ? "--" : "-";
        var line = subcommand.Length == 0 ? $"opensips-mi {prefix}" : $"opensips-mi {subcommand} {prefix}";

        var completions = await SuggestAsync(line);

        Assert.Contains(option, completions);
    }

    [Fact]
    public void The_tree_has_the_subcommands_and_the_options_the_docs_describe()
    {
        var root = Tree();

        Assert.Superset(
            new HashSet<string> { "commands", "completion", "stats", "top", "emulator", "bench", "notify", "mwi", "uac", "events" },
            root.Subcommands.Select(c => c.Name).ToHashSet());
        Assert.Contains(root.Options, o => o.Name == "--transport");
    }

    [Theory]
    [InlineData("opensips-mi -o ", "json pretty table")]
    [InlineData("opensips-mi --transport ", "fifo http udp unix xmlrpc")]
    [InlineData("opensips-mi completion ", "bash fish zsh")]
    [InlineData("opensips-mi stats -o p", "pretty")]
    public async Task Option_and_argument_values_are_completed_from_what_they_accept(string line, string expected)
    {
        var completions = await SuggestAsync(line);

        Assert.Superset(expected.Split(' ').ToHashSet(), completions.ToHashSet());
        Assert.DoesNotContain(completions, c => !c.StartsWith('-') && !expected.Split(' ').Contains(c));
    }

    [Fact]
    public async Task Mi_command_names_are_completed_at_the_command_position_only()
    {
        var first = await SuggestAsync("opensips-mi ul_show_c");
        var second = await SuggestAsync("opensips-mi ul_show_contact loc");

        Assert.Equal(["ul_show_contact"], first);
        Assert.DoesNotContain("ul_show_contact", second);
    }

    [Fact]
    public async Task Mi_command_names_come_from_the_script_when_it_was_made_against_a_server()
    {
        var env = new Dictionary<string, string?> { ["OPENSIPS_MI_COMPLETE_COMMANDS"] = "my_cmd other_cmd" };

        var completions = await SuggestAsync("opensips-mi my", env);

        Assert.Equal(["my_cmd"], completions);
    }

    [Fact]
    public async Task Without_a_server_the_script_needs_none_and_names_the_built_in_list()
    {
        var run = await CliRun.RunAsync("completion", "bash");

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("OPENSIPS_MI_COMPLETE_COMMANDS", run.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Error);
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public async Task The_shell_script_asks_the_real_tool_and_completes_subcommands_options_and_values(string shell)
    {
        using var dir = new TempDir();
        var tool = Path.Combine(AppContext.BaseDirectory, "opensips-mi");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "opensips-mi"), tool);
        var script = Path.Combine(dir.Path, "completion." + shell);
        await File.WriteAllTextAsync(script, (await CliRun.RunAsync("completion", shell)).Out, TestContext.Current.CancellationToken);

        var notify = await CompleteInShellAsync(shell, script, dir.Path, "opensips-mi no");
        var header = await CompleteInShellAsync(shell, script, dir.Path, "opensips-mi notify sip:a@127.0.0.1 --he");
        var output = await CompleteInShellAsync(shell, script, dir.Path, "opensips-mi -o ");

        Assert.Contains("notify", notify);
        Assert.Contains("--header", header);
        Assert.Equal(["json", "pretty", "table"], output.Order(StringComparer.Ordinal));
    }

    /// <summary>Runs the completion function of <paramref name="shell"/> for <paramref name="line"/> (zsh: with compadd stubbed, since its completion system needs a terminal).</summary>
    private static async Task<string[]> CompleteInShellAsync(string shell, string script, string binDir, string line)
    {
        var words = line.Split(' ');
        var code = shell switch
        {
            "bash" => $"source '{script}'; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}; _opensips_mi; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            "zsh" => $"compdef() {{ :; }}; compadd() {{ local arr=${{@[-1]}}; print -l -- ${{(P)arr}}; }}; source '{script}'; words=({string.Join(' ', words.Select(w => $"'{w}'"))}); BUFFER='{line}'; CURSOR=${{#BUFFER}}; _opensips_mi",
            _ => $"source '{script}'; complete -C '{line}'",
        };
        var start = new ProcessStartInfo(shell == "zsh" ? "zsh" : shell) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        start.Environment["PATH"] = binDir + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment.Remove("OPENSIPS_MI_URL");
        using var process = Process.Start(start) ?? throw new InvalidOperationException(shell + " did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, $"{shell} exited {process.ExitCode}: {await stderr}");
        // fish prints "candidate<TAB>description"; the others one candidate a line.
        return [.. (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0])];
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("opensips-mi-completion-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
