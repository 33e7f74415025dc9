using System.Text.Json;
using OpenSips.Mi.Cli.Output;
using OpenSips.Mi.Cli.Views;
using Spectre.Console.Rendering;

namespace OpenSips.Mi.Cli.Tests;

public sealed class ViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 16, 28, 0, TimeSpan.Zero);

    private static string Render(IRenderable view)
    {
        using var writer = new StringWriter();
        ResultPrinter.CreateConsole(writer, colors: false, width: 100).Write(view);
        return writer.ToString();
    }

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Stats_view_shows_values_and_per_second_rates()
    {
        var before = StatsSample.FromResult(T0, Json("""{"tm:UAS_transactions":100,"core:rcv_requests":5}"""));
        var after = StatsSample.FromResult(T0.AddSeconds(2), Json("""{"tm:UAS_transactions":150,"core:rcv_requests":5}"""));

        var text = Render(StatsView.Render(after, before));

        var row = text.Split('\n').Single(l => l.Contains("tm:UAS_transactions", StringComparison.Ordinal));
        Assert.Contains("150", row, StringComparison.Ordinal);
        Assert.Contains("25.0", row, StringComparison.Ordinal);
        Assert.Contains("0.0", text.Split('\n').Single(l => l.Contains("core:rcv_requests", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_view_without_a_previous_sample_has_no_rate_column()
    {
        var text = Render(StatsView.Render(StatsSample.FromResult(T0, Json("""{"dialog:active_dialogs":3}""")), null));

        Assert.DoesNotContain("Rate/s", text, StringComparison.Ordinal);
        Assert.Contains("dialog:active_dialogs", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_view_renders_a_known_snapshot()
    {
        var state = new TopState("udp://127.0.0.1:8809");
        var uptime = Json("""{"Up time":"93784 [sec]"}""");
        var ps = Json("""{"Processes":[{"ID":0},{"ID":1},{"ID":2}]}""");
        state.Add(TopSnapshot.From(T0, uptime, ps, Json("""
            {"core:rcv_requests":1000,"dialog:active_dialogs":7,"dialog:early_dialogs":2,"dialog:processed_dialogs":50,
             "tm:UAS_transactions":100,"tm:UAC_transactions":20,"tm:inuse_transactions":4,"usrloc:location-contacts":12,
             "shmem:total_size":33554432,"shmem:real_used_size":8388608,"pkmem:1-total_size":1048576,"pkmem:1-real_used_size":262144,
             "pkmem:2-total_size":1048576,"pkmem:2-real_used_size":262144,"load:load":3}
            """)));
        state.Add(TopSnapshot.From(T0.AddSeconds(1), uptime, ps, Json("""
            {"core:rcv_requests":1040,"dialog:active_dialogs":9,"dialog:early_dialogs":1,"dialog:processed_dialogs":53,
             "tm:UAS_transactions":130,"tm:UAC_transactions":30,"tm:inuse_transactions":6,"usrloc:location-contacts":13,
             "shmem:total_size":33554432,"shmem:real_used_size":16777216,"pkmem:1-total_size":1048576,"pkmem:1-real_used_size":262144,
             "pkmem:2-total_size":1048576,"pkmem:2-real_used_size":262144,"load:load":3}
            """)));

        var lines = Render(TopView.Render(state)).Split('\n');

        string Row(string label) => System.Text.RegularExpressions.Regex.Replace(lines.Single(l => l.Contains(label, StringComparison.Ordinal)), " +", " ");
        Assert.Contains("udp://127.0.0.1:8809", lines[0], StringComparison.Ordinal);
        Assert.Contains("Uptime 1d 02:03:04", Row("Uptime"), StringComparison.Ordinal);
        Assert.Contains("Processes 3", Row("Processes"), StringComparison.Ordinal);
        Assert.Contains("Load 3%", Row("Load"), StringComparison.Ordinal);
        Assert.Contains("Requests received 1,040 40.0 █", Row("Requests received"), StringComparison.Ordinal);
        Assert.Contains("Dialogs active 9 3.0", Row("Dialogs active"), StringComparison.Ordinal);
        Assert.Contains("Dialogs early 1", Row("Dialogs early"), StringComparison.Ordinal);
        Assert.Contains("Transactions in use 6 40.0", Row("Transactions in use"), StringComparison.Ordinal);
        Assert.Contains("Registered contacts 13", Row("Registered contacts"), StringComparison.Ordinal);
        Assert.Contains("Shared memory 50.0% of 32.0 MiB ▅█", Row("Shared memory"), StringComparison.Ordinal);
        Assert.Contains("Private memory 25.0% of 2.0 MiB ██", Row("Private memory"), StringComparison.Ordinal);
    }

    [Fact]
    public void Top_view_shows_a_refresh_error_under_the_last_good_values_and_clears_it_on_recovery()
    {
        var state = new TopState("udp://127.0.0.1:8809");
        var uptime = Json("""{"Up time":"7 [sec]"}""");
        var ps = Json("""{"Processes":[{"ID":0}]}""");
        state.Add(TopSnapshot.From(T0, uptime, ps, Json("""{"dialog:active_dialogs":7}""")));
        state.Fail(T0.AddSeconds(1), "no reply from OpenSIPS MI at udp://127.0.0.1:8809 within 5 s [sic]");
        state.Fail(T0.AddSeconds(2), "no reply from OpenSIPS MI at udp://127.0.0.1:8809 within 5 s [sic]");

        var failing = Render(TopView.Render(state));

        Assert.Contains("error no reply from OpenSIPS MI at udp://127.0.0.1:8809 within 5 s [sic]", failing, StringComparison.Ordinal);
        Assert.Contains("2 failed refreshes, values from ", failing, StringComparison.Ordinal);
        Assert.Contains("retrying (q quits)", failing, StringComparison.Ordinal);
        Assert.Matches(@"Dialogs active +7", failing);

        state.Add(TopSnapshot.From(T0.AddSeconds(3), uptime, ps, Json("""{"dialog:active_dialogs":8}""")));
        var recovered = Render(TopView.Render(state));

        Assert.DoesNotContain("error", recovered, StringComparison.Ordinal);
        Assert.Equal(0, state.FailedInARow);
    }

    [Fact]
    public void Top_view_shows_an_error_before_any_sample()
    {
        var state = new TopState("udp://127.0.0.1:9");
        state.Fail(T0, "cannot reach it");

        var text = Render(TopView.Render(state));

        Assert.Contains("error cannot reach it", text, StringComparison.Ordinal);
        Assert.Contains("1 failed refresh, no sample yet", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_keeps_a_bounded_history()
    {
        var state = new TopState("x");
        for (var i = 0; i < TopState.HistoryLength + 20; i++)
        {
            state.Add(TopSnapshot.From(T0.AddSeconds(i), default, default, Json($$"""{"core:rcv_requests":{{i * 10}}}""")));
        }

        Assert.Equal(TopState.HistoryLength, state.Series("requests/s").Count);
    }

    [Theory]
    [InlineData(new double[] { }, "")]
    [InlineData(new double[] { 0, 0, 0 }, "▁▁▁")]
    [InlineData(new double[] { 0, 1, 2, 3, 4, 5, 6, 7 }, "▁▂▃▄▅▆▇█")]
    [InlineData(new double[] { 9, 9, 1, 2 }, "▅█")]
    public void Sparklines_scale_from_zero_to_the_largest_value_shown(double[] values, string expected)
    {
        var width = values.Length == 4 ? 2 : 10;

        Assert.Equal(expected, Sparkline.Render(values, width));
    }

    [Theory]
    [InlineData("7 [sec]", "00:00:07")]
    [InlineData("93784 [sec]", "1d 02:03:04")]
    [InlineData("odd", "odd")]
    public void Uptime_is_shown_as_days_and_clock_time(string upTime, string expected) =>
        Assert.Equal(expected, TopView.FormatUptime(upTime));
}
