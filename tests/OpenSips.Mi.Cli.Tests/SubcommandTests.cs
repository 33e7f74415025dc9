using System.Diagnostics;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli.Tests;

public sealed class SubcommandTests : IAsyncLifetime
{
    private readonly FakeMiServer _server = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Commands_lists_the_names_one_a_line_in_pretty_and_as_an_array_in_json()
    {
        var pretty = await CliRun.RunAsync("-u", _server.Url, "-o", "pretty", "commands");
        var json = await CliRun.RunAsync("-u", _server.Url, "commands", "-o", "json");

        Assert.Equal("get_statistics\nuptime\nps\nwhich\nul_show_contact\n", pretty.Out);
        Assert.Equal("[\"get_statistics\",\"uptime\",\"ps\",\"which\",\"ul_show_contact\"]\n", json.Out);
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _opensips_mi opensips-mi")]
    [InlineData("zsh", "#compdef opensips-mi")]
    [InlineData("fish", "complete -c opensips-mi -f -a '(__opensips_mi_complete)'")]
    public async Task Completion_scripts_carry_the_server_command_names(string shell, string expected)
    {
        var run = await CliRun.RunAsync("-u", _server.Url, "completion", shell);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(expected, run.Out, StringComparison.Ordinal);
        Assert.Contains("OPENSIPS_MI_COMPLETE_COMMANDS='get_statistics uptime ps which ul_show_contact'", run.Out, StringComparison.Ordinal);
        Assert.Contains("[suggest:", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_of_a_4_0_server_show_the_3x_names_it_still_accepts()
    {
        _server.WhichResult = """["core:uptime","usrloc:dump","domain:dump","b2b_entities:ua_session_list"]""";

        var pretty = await CliRun.RunAsync("-u", _server.Url, "-o", "pretty", "commands");

        Assert.Equal("core:uptime  uptime\nusrloc:dump  ul_dump\ndomain:dump\nb2b_entities:ua_session_list\n", pretty.Out);
    }

    [Fact]
    public async Task Completion_for_a_4_0_server_offers_its_names_and_the_3x_names_it_still_accepts()
    {
        _server.WhichResult = """["core:uptime","usrloc:dump","domain:dump"]""";

        var run = await CliRun.RunAsync("-u", _server.Url, "completion", "fish");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("OPENSIPS_MI_COMPLETE_COMMANDS='core:uptime usrloc:dump domain:dump uptime ul_dump'", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("domain_dump", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_for_an_unknown_shell_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("-u", _server.Url, "completion", "tcsh");

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task Stats_prints_a_table_of_the_requested_groups()
    {
        var run = await CliRun.RunAsync("-u", _server.Url, "stats", "dialog:", "tm:", "-o", "table");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[[\"dialog:\",\"tm:\"]]", _server.LastParams);
        Assert.Contains("Statistic", run.Out, StringComparison.Ordinal);
        Assert.Contains("dialog:active_dialogs", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_defaults_to_all_and_json_is_the_result()
    {
        var run = await CliRun.RunAsync("-u", _server.Url, "stats");

        Assert.Equal("[[\"all\"]]", _server.LastParams);
        Assert.StartsWith("{\"dialog:active_dialogs\":3,", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_watch_is_bounded_by_count_and_prints_one_json_line_a_sample()
    {
        var run = await CliRun.RunAsync("-u", _server.Url, "stats", "--watch", "0.05", "--count", "3", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, run.Out.TrimEnd('\n').Split('\n').Length);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task Stats_watch_shows_rates_from_the_second_sample_on()
    {
        var run = await CliRun.RunAsync("-u", _server.Url, "stats", "--watch", "0.05", "-n", "2", "-o", "table");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Rate/s", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_prints_each_frame_when_stdout_is_not_a_terminal()
    {
        var run = await CliRun.RunAsync("-u", _server.Url, "top", "--interval", "0.05", "--count", "2", "-o", "pretty");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.Out.Split("opensips-mi top").Length - 1);
        Assert.Contains("1d 02:03:04", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_on_a_dead_server_exits_3()
    {
        var run = await CliRun.RunAsync("-u", "udp://127.0.0.1:1", "top", "--count", "1");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("cannot reach", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_prints_its_endpoints_and_runs_until_cancelled()
    {
        var factory = new FakeEmulatorFactory();
        var run = await CliRun.RunAsync(["emulator", "--udp", "0"], null, emulator: factory, stopAfter: TimeSpan.FromMilliseconds(300));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("udp://127.0.0.1:", run.Out, StringComparison.Ordinal);
        Assert.Equal(new EmulatorRequest(UdpPort: 0), factory.LastRequest);
    }

    [Fact]
    public async Task The_real_process_exits_with_the_documented_codes()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "opensips-mi.dll");

        Assert.Equal(3, await RunProcessAsync(dll, "--url", "udp://127.0.0.1:1", "uptime"));
        Assert.Equal(2, await RunProcessAsync(dll, "--output", "yaml", "uptime"));
        Assert.Equal(1, await RunProcessAsync(dll, "--url", _server.Url, "ul_show_contact", "location", "x"));
        Assert.Equal(0, await RunProcessAsync(dll, "--url", _server.Url, "uptime"));
    }

    private static async Task<int> RunProcessAsync(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("OPENSIPS_MI_URL");
        start.Environment["OPENSIPS_MI_CONFIG"] = null;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(stdout, stderr);
        return process.ExitCode;
    }
}
