using OpenSips.Mi.Commands;

namespace OpenSips.Mi.Tests.Commands;

public sealed class StatisticsCommandsTests
{
    [Fact]
    public async Task Get_statistics_sends_one_array_param_and_keys_results_group_colon_name()
    {
        await using var s = await EmulatorSession.StartAsync();
        var stats = await s.Client.GetStatisticsAsync("dialog:", "tm:");
        Assert.Equal("[[\"dialog:\",\"tm:\"]]", s.ParamsOf("get_statistics"));
        Assert.True(stats.ContainsKey("dialog:active_dialogs"));
        Assert.True(stats.ContainsKey("tm:UAC_transactions"));
        Assert.DoesNotContain(stats.Keys, k => !k.StartsWith("dialog:", StringComparison.Ordinal) && !k.StartsWith("tm:", StringComparison.Ordinal));
        Assert.Contains("UAC_transactions", stats.Group("tm").Keys);
    }

    [Fact]
    public async Task Get_statistics_reads_captured_values_by_bare_name()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("get_statistics", "datagram/get_statistics_single_by_name.response");
        var stats = await s.Client.GetStatisticsAsync(["UAC_transactions", "rcv_requests"], TestContext.Current.CancellationToken);
        Assert.Equal(8, stats["tm:UAC_transactions"]);
        Assert.Equal(2, stats["core:rcv_requests"]);
        Assert.Equal(2, stats.Count);
    }

    [Fact]
    public async Task Get_statistics_tolerates_numbers_sent_as_strings_and_floats()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("get_statistics", null, "{\"shmem:used_size\":\"123456\",\"core:big\":1.8e19,\"x:text\":\"n/a\"}");
        var stats = await s.Client.GetStatisticsAsync("all");
        Assert.Equal(123456, stats["shmem:used_size"]);
        Assert.Equal(long.MaxValue, stats["core:big"]);
        Assert.False(stats.ContainsKey("x:text"));
    }

    [Fact]
    public async Task Unknown_statistics_give_an_empty_set()
    {
        await using var s = await EmulatorSession.StartAsync();
        var stats = await s.Client.GetStatisticsAsync("no_such_statistic");
        Assert.Empty(stats);
    }

    [Fact]
    public async Task Get_statistics_needs_at_least_one_name()
    {
        await using var s = await EmulatorSession.StartAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => s.Client.GetStatisticsAsync());
    }

    [Fact]
    public async Task List_statistics_tells_incremental_from_non_incremental()
    {
        await using var s = await EmulatorSession.StartAsync();
        var list = await s.Client.ListStatisticsAsync(["tm:"], TestContext.Current.CancellationToken);
        Assert.NotEmpty(list);
        Assert.All(list, i => Assert.Equal("tm", i.Group));
        s.Answer("list_statistics", null, "{\"shmem:used_size\":\"non-incremental\",\"core:rcv_requests\":\"incremental\"}");
        var all = await s.Client.ListStatisticsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(string.Empty, s.ParamsOf("list_statistics"));
        Assert.False(all[0].IsIncremental);
        Assert.True(all[1].IsIncremental);
        Assert.Equal("rcv_requests", all[1].ShortName);
    }

    [Fact]
    public async Task Reset_statistics_resets_in_the_emulator()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.State.Statistics.Set("core:rcv_requests", 5);
        await s.Client.ResetStatisticsAsync("rcv_requests");
        Assert.Equal("[[\"rcv_requests\"]]", s.ParamsOf("reset_statistics"));
        Assert.Equal(0, s.Emulator.State.Statistics.Get("core:rcv_requests"));

        s.Emulator.State.Statistics.Set("core:rcv_requests", 7);
        await s.Client.ResetAllStatisticsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, s.Emulator.State.Statistics.Get("core:rcv_requests"));
    }
}
