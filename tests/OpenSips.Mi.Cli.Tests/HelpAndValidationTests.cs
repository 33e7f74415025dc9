using System.CommandLine;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli.Tests;

/// <summary>Help from the tree, the normalizer derived from the root's options, and range checks as parser validators.</summary>
public sealed class HelpAndValidationTests
{
    private static RootCommand Tree() =>
        Cli.BuildRoot(new Cli.GlobalSymbols(), new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null, Variables = new Dictionary<string, string?>() });

    public static TheoryData<string> Subcommands() => [.. Tree().Subcommands.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Subcommands))]
    public async Task A_subcommand_usage_line_does_not_show_the_root_command_argument(string subcommand)
    {
        var run = await CliRun.RunAsync(subcommand, "--help");

        Assert.Equal(0, run.ExitCode);
        var usage = run.Out[run.Out.IndexOf("Usage:", StringComparison.Ordinal)..].Split('\n')[1];
        Assert.Matches($"^  \\S+ {subcommand}( |$)", usage);
        Assert.DoesNotContain("<COMMAND>...", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("COMMAND [ARG", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_root_help_names_the_mi_command_and_its_args()
    {
        var run = await CliRun.RunAsync("--help");

        Assert.Contains(" [options] COMMAND [ARG...]     run an MI command", run.Out, StringComparison.Ordinal);
        Assert.Contains("  COMMAND [ARG...]  The MI command", run.Out, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("/?", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("uptime")]
    [InlineData("ul_show_contact location alice")]
    [InlineData("get_statistics dialog: tm:")]
    [InlineData("-o json help stats")]
    public async Task Plain_mi_calls_still_run_with_the_argument_hidden(string line)
    {
        var run = await CliRun.RunAsync(["--emulated", .. line.Split(' ')], null, emulator: EmulatorFactory.Default);

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        Assert.DoesNotContain("Unrecognized", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_normalizer_reads_value_and_flag_options_from_the_tree()
    {
        var root = new RootCommand { new Option<string>("--brand-new", "-b"), new Option<bool>("--flag") };
        root.Subcommands.Add(new Command("sub"));

        var normalized = new ArgsNormalizer(root).Normalize(["uptime", "--brand-new", "x", "--flag", "sub"]);

        Assert.Equal(["--brand-new", "x", "--flag", "--", "uptime", "sub"], normalized);
        Assert.Equal(["-b=x", "sub", "y"], new ArgsNormalizer(root).Normalize(["-b=x", "sub", "y"]));
    }

    [Theory]
    [InlineData("stats --watch 0", "--watch must be between 0.05 and 3600 seconds")]
    [InlineData("stats --watch 1 --count 0", "--count must be at least 1")]
    [InlineData("top --interval 0.01", "--interval must be between 0.05 and 3600 seconds")]
    [InlineData("top --count -1", "--count must be at least 1")]
    [InlineData("emulator --udp 70000", "port 70000 is out of range 0-65535")]
    [InlineData("emulator --http -1", "port -1 is out of range 0-65535")]
    [InlineData("events E_X --expire 0", "--expire must be at least 1 second")]
    [InlineData("events E_X --count 0", "--count must be at least 1")]
    [InlineData("events E_X --advertise :9", "--advertise ':9' has no host")]
    [InlineData("events E_X --advertise h:99999", "--advertise 'h:99999': the port must be 1-65535")]
    [InlineData("mwi sip:a@127.0.0.1 sip:vm@127.0.0.1 2 -1", "message counts must not be negative")]
    [InlineData("bench --concurrency 0", "--requests must be at least 1 and --concurrency between 1 and 4096")]
    [InlineData("bench --requests 0", "--requests must be at least 1 and --concurrency between 1 and 4096")]
    [InlineData("bench --duration 0", "--duration must be between 0.05 and 3600 seconds")]
    [InlineData("--timeout 0 uptime", "--timeout must be a number of seconds above 0 (and at most 86400), not 0")]
    [InlineData("notify sip:a@127.0.0.1 check-sync --timeout -1", "--timeout must be a number of seconds above 0 (and at most 86400), not -1")]
    public async Task A_value_out_of_range_is_refused_by_the_parser_with_one_line_and_exit_2(string line, string message)
    {
        var run = await CliRun.RunAsync(line.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"opensips-mi: {message}\n", run.Error);
        Assert.Equal(string.Empty, run.Out);
    }
}
