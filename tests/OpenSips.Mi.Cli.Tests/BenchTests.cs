using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli.Tests;

/// <summary><c>opensips-mi bench</c> against the real emulator, with small counts (no timing is asserted).</summary>
public sealed class BenchTests
{
    private static Task<CliResult> RunAsync(params string[] args) =>
        CliRun.RunAsync(args, null, emulator: EmulatorFactory.Default, stopAfter: TimeSpan.FromSeconds(60));

    [Theory]
    [InlineData("udp", false)]
    [InlineData("udp", true)]
    [InlineData("unix", false)]
    [InlineData("unix", true)]
    [InlineData("http", false)]
    [InlineData("http", true)]
    [InlineData("xmlrpc", false)]
    [InlineData("xmlrpc", true)]
    [InlineData("fifo", false)]
    [InlineData("fifo", true)]
    public async Task Json_output_has_the_documented_shape_on_every_transport(string transport, bool raw)
    {
        var args = new List<string> { "bench", "--emulated", "--transport", transport, "-n", "40", "-C", "4", "-o", "json" };
        if (raw)
        {
            args.Add("--raw");
        }

        var run = await RunAsync([.. args]);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Equal(string.Empty, run.Error);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.Equal(40, root.GetProperty("requests").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        Assert.Equal(4, root.GetProperty("concurrency").GetInt32());
        Assert.Equal(raw ? "raw" : "library", root.GetProperty("mode").GetString());
        foreach (var name in new[] { "calls_per_second", "p50_ms", "p90_ms", "p99_ms", "max_ms" })
        {
            Assert.True(root.GetProperty(name).GetDouble() >= 0, name);
        }

        Assert.True(root.GetProperty("p50_ms").GetDouble() <= root.GetProperty("max_ms").GetDouble());
    }

    [Fact]
    public async Task Text_output_reports_rate_errors_and_percentiles()
    {
        var run = await RunAsync("bench", "--emulated", "-n", "20", "-o", "pretty");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("calls/s", run.Out, StringComparison.Ordinal);
        Assert.Contains("errors     0", run.Out, StringComparison.Ordinal);
        Assert.Contains("p99", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duration_bounds_an_open_ended_run()
    {
        var run = await RunAsync("bench", "--emulated", "--duration", "0.3", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.True(doc.RootElement.GetProperty("requests").GetInt32() > 0);
        Assert.InRange(doc.RootElement.GetProperty("seconds").GetDouble(), 0.2, 20);
    }

    [Fact]
    public async Task MI_errors_are_counted_and_exit_1()
    {
        var run = await RunAsync("bench", "--emulated", "--command", "no_such_command", "-n", "5", "-o", "json");

        Assert.Equal(1, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(5, doc.RootElement.GetProperty("errors").GetInt32());
        Assert.Contains("-32601", doc.RootElement.GetProperty("first_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameters_are_sent_like_a_normal_call()
    {
        var run = await RunAsync("bench", "--emulated", "--command", "get_statistics", "--params", "dialog:", "tm:", "-n", "5", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("errors").GetInt32());
    }

    [Fact]
    public async Task An_unreachable_server_exits_3()
    {
        var run = await RunAsync("bench", "-u", "udp://127.0.0.1:9", "-t", "0.2", "-n", "2", "-o", "json");

        Assert.Equal(3, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(2, doc.RootElement.GetProperty("errors").GetInt32());
    }

    [Theory]
    [InlineData("-n", "0")]
    [InlineData("-C", "0")]
    public async Task Bad_bounds_are_usage_errors(string option, string value)
    {
        var run = await RunAsync("bench", "--emulated", option, value);

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task The_warm_up_is_reported_apart_and_not_counted_in_the_measured_calls()
    {
        var warm = await RunAsync("bench", "--emulated", "-n", "30", "-o", "json");
        var none = await RunAsync("bench", "--emulated", "-n", "30", "--warmup", "0", "-o", "json");

        Assert.Equal(0, warm.ExitCode);
        using var withWarmup = JsonDocument.Parse(warm.Out);
        Assert.Equal(30, withWarmup.RootElement.GetProperty("requests").GetInt32());
        Assert.InRange(withWarmup.RootElement.GetProperty("warmup_requests").GetInt32(), 1, 30);
        Assert.True(withWarmup.RootElement.GetProperty("warmup_seconds").GetDouble() > 0);
        using var withoutWarmup = JsonDocument.Parse(none.Out);
        Assert.Equal(30, withoutWarmup.RootElement.GetProperty("requests").GetInt32());
        Assert.Equal(0, withoutWarmup.RootElement.GetProperty("warmup_requests").GetInt32());
    }

    [Theory]
    [InlineData("http", "--use-http-client")]
    [InlineData("xmlrpc", "--use-http-client")]
    [InlineData("fifo", "--reply-fifo-per-call")]
    public async Task The_alternative_paths_can_be_benched(string transport, string option)
    {
        var run = await RunAsync("bench", "--emulated", "--transport", transport, option, "-n", "20", "-C", "2", "-o", "json");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("errors").GetInt32());
    }
}
