using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenSips.Mi.Testing;
using static OpenSips.Mi.Extensions.Tests.Emulators;

namespace OpenSips.Mi.Extensions.Tests;

public sealed class HealthCheckTests
{
    private static async Task<HealthReport> CheckAsync(string url, Action<IHealthChecksBuilder> add)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOpenSipsMi("edge", o => o.Url = url);
        add(services.AddHealthChecks());
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
    }

    [Fact]
    public async Task A_server_that_answers_is_healthy()
    {
        await using var emulator = await UdpAsync();

        var report = await CheckAsync(emulator.UdpUri, h => h.AddOpenSipsMi("edge"));

        var entry = report.Entries["opensips-mi:edge"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("answered 'uptime' in", entry.Description, StringComparison.Ordinal);
        Assert.Equal("mi_datagram", entry.Data["transport"]);
        Assert.Equal("uptime", Assert.Single(emulator.Received).Method);
    }

    [Fact]
    public async Task A_server_that_stopped_is_unhealthy_with_the_reason()
    {
        var emulator = await UdpAsync();
        var url = emulator.UdpUri;
        await emulator.DisposeAsync();

        var report = await CheckAsync(url, h => h.AddOpenSipsMi("edge", timeout: TimeSpan.FromMilliseconds(300), name: "mi"));

        var entry = report.Entries["mi"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains(url, entry.Description, StringComparison.Ordinal);
        Assert.NotNull(entry.Exception);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_unhealthy_or_the_chosen_failure_status()
    {
        await using var emulator = await UdpAsync();
        emulator.Faults.Add(MiFault.DropReply());

        var report = await CheckAsync(emulator.UdpUri, h => h.AddOpenSipsMi("edge", timeout: TimeSpan.FromMilliseconds(200), failureStatus: HealthStatus.Degraded));

        var entry = report.Entries["opensips-mi:edge"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("did not answer 'uptime' within 200 ms", entry.Description, StringComparison.Ordinal);
        Assert.IsType<MiTimeoutException>(entry.Exception);
    }

    [Fact]
    public async Task A_slow_answer_is_degraded()
    {
        await using var emulator = await UdpAsync();
        emulator.Faults.Add(MiFault.DelayReply(TimeSpan.FromMilliseconds(150)));

        var report = await CheckAsync(emulator.UdpUri, h => h.AddOpenSipsMi("edge", degradedAfter: TimeSpan.FromMilliseconds(50)));

        var entry = report.Entries["opensips-mi:edge"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("slower than 50 ms", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_mi_error_is_degraded()
    {
        await using var emulator = await UdpAsync();

        var report = await CheckAsync(emulator.UdpUri, h => h.AddOpenSipsMi("edge", command: "no_such_command"));

        var entry = report.Entries["opensips-mi:edge"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("with error -32601 Method not found", entry.Description, StringComparison.Ordinal);
    }
}
