using System.Text.Json;
using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Cli.Tests;

/// <summary><c>events</c> against the emulator raising events, with the tool running in-process.</summary>
public sealed class EventsCommandTests : IAsyncLifetime
{
    private MiEmulator _emulator = null!;

    public async ValueTask InitializeAsync() =>
        _emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false }, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();

    /// <summary>Raises an event until a subscriber got it (the subscription may still be on its way).</summary>
    private async Task RaiseDeliveredAsync(string name, JsonObject parameters, Task<CliResult>? run = null)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (run is { IsCompleted: true })
            {
                var ended = await run;
                Assert.Fail($"the tool ended early with {ended.ExitCode}: {ended.Error}");
            }

            if (await _emulator.RaiseEventAsync(name, parameters.DeepClone().AsObject()) > 0)
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"nobody subscribed to {name}");
    }

    [Theory]
    [InlineData("udp://127.0.0.1:0")]
    [InlineData("tcp://127.0.0.1:0")]
    public async Task Prints_each_event_as_a_json_line_and_unsubscribes(string listen)
    {
        var run = CliRun.RunAsync(["-u", _emulator.UdpUri, "events", "E_UL_CONTACT_INSERT", "E_UL_CONTACT_DELETE", "--listen", listen, "--count", "2"], null, stopAfter: TimeSpan.FromSeconds(20));

        await RaiseDeliveredAsync("E_UL_CONTACT_INSERT", new JsonObject { ["aor"] = "alice", ["domain"] = "example.com" }, run);
        await RaiseDeliveredAsync("E_UL_CONTACT_DELETE", new JsonObject { ["ip"] = "192.0.2.7" });
        var result = await run;

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("E_UL_CONTACT_INSERT", first.RootElement.GetProperty("name").GetString());
        Assert.Equal("alice", first.RootElement.GetProperty("params").GetProperty("aor").GetString());
        Assert.EndsWith("Z", first.RootElement.GetProperty("received_at").GetString(), StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", first.RootElement.GetProperty("source").GetString(), StringComparison.Ordinal);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("E_UL_CONTACT_DELETE", second.RootElement.GetProperty("name").GetString());
        Assert.Equal("192.0.2.7", second.RootElement.GetProperty("params").GetProperty("ip").GetString());
        Assert.StartsWith("subscribed to E_UL_CONTACT_INSERT, E_UL_CONTACT_DELETE on ", result.Error, StringComparison.Ordinal);
        Assert.All(_emulator.State.Subscribers, s => Assert.Equal(0, s.Expire));
    }

    [Fact]
    public async Task Ctrl_C_stops_cleanly_with_exit_0_and_unsubscribes()
    {
        using var stop = new CancellationTokenSource();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var env = new Hosting.CliEnvironment { Out = stdout, Error = stderr, Variables = new Dictionary<string, string?>() };
        var run = Cli.RunAsync(["-u", _emulator.UdpUri, "events", "E_CORE_THRESHOLD"], env, stop.Token);

        await RaiseDeliveredAsync("E_CORE_THRESHOLD", new JsonObject { ["source"] = "test", ["time"] = 12 });
        for (var i = 0; i < 100 && stdout.ToString().Length == 0; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(0, code);
        Assert.Contains("\"name\":\"E_CORE_THRESHOLD\"", stdout.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(_emulator.State.Subscribers);
        Assert.All(_emulator.State.Subscribers, s => Assert.Equal(0, s.Expire));
    }

    [Fact]
    public async Task A_failed_refresh_is_reported_on_stderr_and_the_stream_goes_on()
    {
        var run = CliRun.RunAsync(["-u", _emulator.UdpUri, "events", "E_UL_CONTACT_DELETE", "--expire", "2", "--count", "1", "-t", "0.5"], null, stopAfter: TimeSpan.FromSeconds(20));
        for (var i = 0; i < 100 && _emulator.State.Subscribers.Count == 0; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        // Only a refresh: the first event_subscribe is recorded before its reply leaves, so under load its reply could
        // still be pending here, and dropping it would fail the start instead of a refresh.
        var addedAt = DateTimeOffset.UtcNow;
        var fault = _emulator.Faults.Add(MiFault.DropReply(r => r.Method == "event_subscribe" && r.ReceivedAt > addedAt, times: 1));
        for (var i = 0; i < 200 && fault.Fired == 0; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        // The dropped refresh fails after the 0.5 s timeout; the next attempt (1 s later) renews the subscription.
        Assert.Equal(1, fault.Fired);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await RaiseDeliveredAsync("E_UL_CONTACT_DELETE", new JsonObject { ["ip"] = "192.0.2.9" }, run);
        var result = await run;

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"ip\":\"192.0.2.9\"", result.Out, StringComparison.Ordinal);
        Assert.Contains("events: refreshing the subscription failed (attempt 1): ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_event_is_the_MI_error_and_exits_1()
    {
        var run = await CliRun.RunAsync("-u", _emulator.UdpUri, "events", "E_NO_SUCH_EVENT", "--count", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error 400: ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--listen", "ftp://127.0.0.1:0")]
    [InlineData("--advertise", "host:99999")]
    [InlineData("--expire", "0")]
    [InlineData("--count", "0")]
    public async Task Bad_options_are_usage_errors(string option, string value)
    {
        var run = await CliRun.RunAsync("-u", _emulator.UdpUri, "events", "E_UL_CONTACT_DELETE", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(_emulator.State.Subscribers);
        Assert.StartsWith("opensips-mi: ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1", null)]
    [InlineData("proxy.example.com:9000", "proxy.example.com", 9000)]
    [InlineData("[2001:db8::1]:5000", "2001:db8::1", 5000)]
    [InlineData("2001:db8::1", "2001:db8::1", null)]
    public void Advertise_is_split_into_host_and_port(string text, string host, int? port)
    {
        Assert.Equal((host, port), Cli.ParseHostPort(text));
    }
}
