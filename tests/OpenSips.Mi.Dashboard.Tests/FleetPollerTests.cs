using OpenSips.Mi.Cli.Dashboard;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>
/// The fleet poller against real emulators on loopback UDP: figures and history from each poll, a per-poll timeout, and a
/// slow or dead server never holding the others back.
/// </summary>
public sealed class FleetPollerTests : IAsyncLifetime
{
    private readonly List<MiEmulator> _emulators = [];

    public async ValueTask InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _emulators.Add(await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUnix = false, EnableFifo = false }, TestContext.Current.CancellationToken));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var emulator in _emulators)
        {
            await emulator.DisposeAsync();
        }
    }

    private FleetPoller Poller(TimeSpan interval, TimeSpan timeout, int concurrency = 64) =>
        new([.. _emulators.Select(e => MiClient.Connect(e.UdpUri))], new FleetPollerOptions { Interval = interval, PollTimeout = timeout, MaxConcurrency = concurrency });

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(20, bound.Token);
        }
    }

    [Fact]
    public async Task A_poll_reads_the_figures_version_uptime_and_history_of_every_server()
    {
        _emulators[1].State.Statistics.Set("dialog:active_dialogs", 42, incremental: false);
        _emulators[1].State.Statistics.Set("load:load", 37, incremental: false);
        await using var poller = Poller(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        await poller.PollCycleAsync(TestContext.Current.CancellationToken);

        Assert.All(poller.Servers, s => Assert.True(s.Snapshot.Reachable));
        var snapshot = poller.Servers[1].Snapshot;
        Assert.Equal(_emulators[1].UdpUri, snapshot.Target);
        Assert.Equal("OpenSIPS (3.6.8 (x86_64/linux))", snapshot.Version);
        Assert.NotNull(snapshot.UptimeSeconds);
        Assert.Equal(42, snapshot.Figures!.Dialogs);
        Assert.Equal(37, snapshot.Figures.Load);
        Assert.Equal(1, snapshot.SampleVersion);
        Assert.Equal(42, poller.Servers[1].LatestStatistics.Values["dialog:active_dialogs"]);
        Assert.Equal(42, Assert.Single(poller.Servers[1].History.Points("dialog:active_dialogs", DateTimeOffset.MinValue)).Value);
        Assert.Equal(1, poller.Stats.Cycles);
    }

    [Fact]
    public async Task Version_is_asked_until_known_then_only_statistics_and_uptime()
    {
        await using var poller = Poller(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        await poller.PollCycleAsync(TestContext.Current.CancellationToken);
        await poller.PollCycleAsync(TestContext.Current.CancellationToken);

        Assert.Single(_emulators[0].Received, r => r.Method == "version");
        Assert.Equal(2, _emulators[0].Received.Count(r => r.Method == "get_statistics"));
        Assert.Equal(2, _emulators[0].Received.Count(r => r.Method == "uptime"));
    }

    [Fact]
    public async Task A_poll_ends_at_its_own_timeout_and_marks_the_server_unreachable_keeping_its_last_figures()
    {
        await using var poller = Poller(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300));
        await poller.PollCycleAsync(TestContext.Current.CancellationToken);
        var good = poller.Servers[2].Snapshot.UpdatedAt;
        _emulators[2].Faults.Add(MiFault.DropReply());

        await poller.PollCycleAsync(TestContext.Current.CancellationToken);

        var dead = poller.Servers[2].Snapshot;

        // The figures keep the time they were read (the page shows their age); the attempt time moves on.
        Assert.Equal(good, dead.UpdatedAt);
        Assert.True(dead.AttemptedAt > dead.UpdatedAt);
        Assert.False(dead.Reachable);
        Assert.Equal(1, dead.ConsecutiveFailures);
        Assert.Contains("within 0.3 s", dead.Error, StringComparison.Ordinal);
        Assert.NotNull(dead.Figures);
        Assert.True(poller.Servers[0].Snapshot.Reachable);
    }

    [Fact]
    public async Task A_server_that_never_answers_does_not_delay_the_others()
    {
        // The silent server's single poll waits 30 s; meanwhile the others are polled cycle after cycle.
        _emulators[0].Faults.Add(MiFault.DropReply());
        await using var poller = Poller(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var run = poller.RunAsync(stop.Token);

        await UntilAsync(() => poller.Servers[1].Snapshot.SampleVersion >= 5 && poller.Servers[2].Snapshot.SampleVersion >= 5);

        Assert.False(poller.Servers[0].Snapshot.Polled);
        Assert.True(poller.Servers[0].SkippedPolls >= 4);
        Assert.Equal(1, _emulators[0].Received.Count(r => r.Method == "get_statistics"));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Servers_that_failed_poll_in_their_own_lane_so_they_cannot_take_every_slot()
    {
        // Four dead servers and a live one, at most four polls in flight: the dead ones, once failed, share one slot.
        for (var i = 0; i < 2; i++)
        {
            _emulators.Add(await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUnix = false, EnableFifo = false }, TestContext.Current.CancellationToken));
        }

        foreach (var dead in _emulators.Take(4))
        {
            dead.Faults.Add(MiFault.DropReply());
        }

        await using var poller = Poller(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), concurrency: 4);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var run = poller.RunAsync(stop.Token);

        await UntilAsync(() => poller.Servers.Take(4).All(s => s.Snapshot.ConsecutiveFailures >= 1));
        var live = poller.Servers[4].Snapshot.SampleVersion;
        await UntilAsync(() => poller.Servers[4].Snapshot.SampleVersion >= live + 10);

        await stop.CancelAsync();
        await run;
        Assert.True(poller.Servers[4].Snapshot.Reachable);
        Assert.All(poller.Servers.Take(4), s => Assert.False(s.Snapshot.Reachable));
    }

    [Fact]
    public async Task A_stopped_server_is_reported_with_the_transport_error()
    {
        await using var poller = Poller(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await poller.PollCycleAsync(TestContext.Current.CancellationToken);
        await _emulators[0].DisposeAsync();

        await poller.PollCycleAsync(TestContext.Current.CancellationToken);

        var snapshot = poller.Servers[0].Snapshot;
        Assert.False(snapshot.Reachable);
        Assert.Contains(_emulators[0].UdpUri, snapshot.Error, StringComparison.Ordinal);
    }
}
