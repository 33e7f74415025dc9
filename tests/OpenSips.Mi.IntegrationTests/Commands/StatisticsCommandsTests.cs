using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>get_statistics, list_statistics, reset_statistics and reset_all_statistics against a real server.</summary>
public abstract class StatisticsCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Fact]
    public async Task A_group_asked_with_its_colon_gives_every_statistic_of_it_keyed_group_colon_name()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var stats = await mi.GetStatisticsAsync(["tm:", "usrloc:"], Ct);

        Assert.True(stats.ContainsKey("tm:UAC_transactions"));
        Assert.True(stats.ContainsKey("usrloc:registered_users"));
        Assert.Contains("UAS_transactions", stats.Group("tm").Keys);
        Assert.All(stats.Keys, k => Assert.True(k.StartsWith("tm:", StringComparison.Ordinal) || k.StartsWith("usrloc:", StringComparison.Ordinal), k));
        Assert.True(stats["usrloc:registered_users"] >= 2, "alice and bob are registered");
    }

    [Fact]
    public async Task A_bare_name_gives_that_statistic_keyed_with_its_group()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        await SendOptionsAsync();

        var stats = await mi.GetStatisticsAsync(["rcv_requests"], Ct);

        Assert.Equal(["core:rcv_requests"], stats.Keys);
        Assert.True(stats["core:rcv_requests"] > 0);
    }

    [Fact]
    public async Task A_name_with_its_group_prefix_matches_nothing()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var stats = await mi.GetStatisticsAsync(["tm:UAC_transactions"], Ct);

        Assert.Empty(stats);
    }

    [Fact]
    public async Task List_statistics_tells_incremental_from_non_incremental()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var list = await mi.ListStatisticsAsync(["dialog:"], Ct);

        var active = list.Single(s => s.Name == "dialog:active_dialogs");
        var processed = list.Single(s => s.Name == "dialog:processed_dialogs");
        Assert.False(active.IsIncremental);
        Assert.Equal("non-incremental", active.TypeText);
        Assert.True(processed.IsIncremental);
        Assert.Equal("dialog", processed.Group);
        Assert.Equal("processed_dialogs", processed.ShortName);
    }

    [Fact]
    public async Task Reset_statistics_sets_a_counter_back_to_zero()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        await SendOptionsAsync();
        Assert.True((await mi.GetStatisticsAsync(["rcv_requests"], Ct))["core:rcv_requests"] > 0);

        await mi.ResetStatisticsAsync(["rcv_requests"], Ct);

        Assert.Equal(0, (await mi.GetStatisticsAsync(["rcv_requests"], Ct))["core:rcv_requests"]);
    }

    [Fact]
    public async Task Reset_all_statistics_zeroes_counters_but_not_gauges()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        await SendOptionsAsync();

        await mi.ResetAllStatisticsAsync(Ct);

        var stats = await mi.GetStatisticsAsync(["rcv_requests", "registered_users"], Ct);
        Assert.Equal(0, stats["core:rcv_requests"]);
        Assert.True(stats["usrloc:registered_users"] >= 2, "a gauge is not reset");
    }

    private async Task SendOptionsAsync() => Assert.Equal(200, await PhoneRequests.OptionsStatusAsync(Servers.Main, Ct));
}

[Collection(V34.Name)]
public sealed class StatisticsCommands34(Servers34 s) : StatisticsCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class StatisticsCommands36(Servers36 s) : StatisticsCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class StatisticsCommands40(Servers40 s) : StatisticsCommandsTests<Servers40>(s);
