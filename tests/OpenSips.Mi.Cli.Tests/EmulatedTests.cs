using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Cli.Tests;

/// <summary>The tool against the real <c>OpenSips.Mi.Testing</c> emulator, in-process and on loopback.</summary>
public sealed class EmulatedTests
{
    private static Task<CliResult> RunEmulatedAsync(params string[] args) =>
        CliRun.RunAsync(args, null, emulator: EmulatorFactory.Default);

    [Fact]
    public async Task Emulated_get_statistics_packs_the_groups_and_answers()
    {
        var run = await RunEmulatedAsync("--emulated", "-o", "json", "get_statistics", "dialog:", "tm:");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.True(doc.RootElement.TryGetProperty("dialog:active_dialogs", out _));
        Assert.True(doc.RootElement.TryGetProperty("tm:UAC_transactions", out _));
    }

    [Fact]
    public async Task Emulated_MI_error_exits_1()
    {
        var run = await RunEmulatedAsync("--emulated", "ul_show_contact", "location", "nobody");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error 404: AOR not found\n", run.Error);
    }

    [Fact]
    public async Task Emulated_wrong_param_count_prints_the_data()
    {
        var run = await RunEmulatedAsync("--emulated", "get_statistics", "statistics=dialog:", "extra=1");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error -32602: Invalid params (", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulated_top_renders_a_frame()
    {
        var run = await RunEmulatedAsync("--emulated", "top", "--count", "1", "-o", "pretty");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Registered contacts", run.Out, StringComparison.Ordinal);
        Assert.Contains("Shared memory", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_keeps_going_through_a_transport_error_and_recovers()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableHttp = false }, TestContext.Current.CancellationToken);
        var fault = emulator.Faults.Add(MiFault.DropReply(r => r.Method == "uptime", times: 1));

        var run = await CliRun.RunAsync("-u", emulator.UdpUri, "-t", "0.3", "top", "--count", "2", "--interval", "0.05", "-o", "pretty");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, fault.Fired);
        Assert.Contains("1 failed refresh, no sample yet; retrying", run.Out, StringComparison.Ordinal);
        Assert.Contains("Registered contacts", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_against_a_dead_server_shows_the_error_each_time_and_exits_3()
    {
        using var dead = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        dead.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var url = $"udp://127.0.0.1:{((System.Net.IPEndPoint)dead.LocalEndPoint!).Port}";

        var pretty = await CliRun.RunAsync("-u", url, "-t", "0.2", "top", "--count", "2", "--interval", "0.05", "-o", "pretty");
        var json = await CliRun.RunAsync("-u", url, "-t", "0.2", "top", "--count", "2", "--interval", "0.05", "-o", "json");

        Assert.Equal(3, pretty.ExitCode);
        Assert.Contains("2 failed refreshes, no sample yet", pretty.Out, StringComparison.Ordinal);
        Assert.Equal(3, json.ExitCode);
        var lines = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("{\"error\":{\"message\":", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Emulator_subcommand_prints_reachable_endpoints()
    {
        var run = await CliRun.RunAsync(["emulator", "--udp", "0", "--http", "0"], null, emulator: EmulatorFactory.Default, stopAfter: TimeSpan.FromSeconds(1));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("udp://127.0.0.1:", run.Out, StringComparison.Ordinal);
        Assert.Contains("/mi", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_and_udp_targets_of_one_emulator_answer_the_same()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false }, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("-u", emulator.UdpUri, "-u", emulator.HttpUriString, "-o", "json", "version");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var answers = doc.RootElement.EnumerateObject().Select(p => p.Value.GetRawText()).Distinct().ToList();
        Assert.Single(answers);
    }
}
