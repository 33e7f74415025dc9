using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenSips.Mi.Testing;
using static OpenSips.Mi.Extensions.Tests.Emulators;

namespace OpenSips.Mi.Extensions.Tests;

/// <summary>What the client logs, and what it never logs, captured with <see cref="FakeLogger"/>.</summary>
public sealed class LoggingTests
{
    private static ServiceProvider Provider(LogLevel level, Action<IServiceCollection> add)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(level).AddFakeLogging());
        add(services);
        return services.BuildServiceProvider();
    }

    private static List<FakeLogRecord> ClientLogs(IServiceProvider provider) =>
        provider.GetFakeLogCollector().GetSnapshot().Where(r => r.Category == typeof(MiClient).FullName).ToList();

    [Fact]
    public async Task A_call_is_logged_at_debug_with_method_transport_duration_and_outcome_but_not_its_params()
    {
        await using var emulator = await UdpAsync();
        await using var provider = Provider(LogLevel.Debug, s => s.AddOpenSipsMi(o => o.Url = emulator.UdpUri));
        var client = provider.GetRequiredService<MiClient>();

        await client.CommandAsync("ul_show_contact", MiParams.Positional("location", "alice-secret-aor"), Ct);

        var logs = ClientLogs(provider);
        Assert.Contains(logs, r => r.Level == LogLevel.Debug && r.Message.StartsWith("Connected MI client to mi_datagram", StringComparison.Ordinal));
        var call = Assert.Single(logs, r => r.Id.Id == 2);
        Assert.Equal(LogLevel.Debug, call.Level);
        Assert.Equal("ul_show_contact", call.GetStructuredStateValue("Method"));
        Assert.Equal("mi_datagram", call.GetStructuredStateValue("Transport"));
        Assert.Equal("error 404", call.GetStructuredStateValue("Outcome"));
        Assert.True(double.TryParse(call.GetStructuredStateValue("ElapsedMs"), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.DoesNotContain(logs, r => r.Message.Contains("alice-secret-aor", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Params_are_logged_only_at_trace()
    {
        await using var emulator = await UdpAsync();
        await using var provider = Provider(LogLevel.Trace, s => s.AddOpenSipsMi(o => o.Url = emulator.UdpUri));

        await provider.GetRequiredService<MiClient>().CommandAsync("ul_show_contact", MiParams.Positional("location", "alice"), Ct);

        var record = Assert.Single(ClientLogs(provider), r => r.Id.Id == 3);
        Assert.Equal(LogLevel.Trace, record.Level);
        Assert.Contains("alice", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_is_logged_at_warning_and_the_late_reply_is_dropped_with_a_warning()
    {
        await using var emulator = await UdpAsync();
        emulator.Faults.Add(MiFault.DelayReply(TimeSpan.FromMilliseconds(400), times: 1));
        await using var provider = Provider(LogLevel.Information, s => s.AddOpenSipsMi(o =>
        {
            o.Url = emulator.UdpUri;
            o.Timeout = TimeSpan.FromMilliseconds(100);
        }));
        var client = provider.GetRequiredService<MiClient>();

        await Assert.ThrowsAsync<MiTimeoutException>(() => client.CommandAsync("uptime", Ct));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!ClientLogs(provider).Any(r => r.Id.Id == 5) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        var logs = ClientLogs(provider);
        var failed = Assert.Single(logs, r => r.Id.Id == 4);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("uptime", failed.GetStructuredStateValue("Method"));
        var late = Assert.Single(logs, r => r.Id.Id == 5);
        Assert.Equal(LogLevel.Warning, late.Level);
        Assert.Contains("late or duplicate reply", late.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, r => r.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task An_unreachable_server_is_logged_at_warning()
    {
        await using var provider = Provider(LogLevel.Warning, s => s.AddOpenSipsMi(o => o.Url = "http://127.0.0.1:" + FreeTcpPort() + "/mi"));

        await Assert.ThrowsAsync<MiTransportException>(() => provider.GetRequiredService<MiClient>().CommandAsync("uptime", Ct));

        var failed = Assert.Single(ClientLogs(provider), r => r.Id.Id == 4);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("connection refused", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_basic_auth_password_is_never_logged_at_any_level()
    {
        const string password = "Pa55-never-logged";
        var token = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ops:" + password));
        await using var emulator = await HttpAsync();
        var url = new UriBuilder(emulator.HttpUri) { UserName = "ops", Password = password }.Uri.ToString();
        await using var provider = Provider(LogLevel.Trace, s =>
        {
            s.AddOpenSipsMi("from-settings", o =>
            {
                o.Url = emulator.HttpUriString;
                o.UserName = "ops";
                o.Password = password;
            });
            s.AddOpenSipsMi("from-url", o => o.Url = url);
            s.AddOpenSipsMi("refused", o =>
            {
                o.Url = "http://127.0.0.1:" + FreeTcpPort() + "/mi";
                o.UserName = "ops";
                o.Password = password;
            });
            s.AddHealthChecks().AddOpenSipsMi("from-settings");
        });

        foreach (var name in new[] { "from-settings", "from-url" })
        {
            var client = provider.GetRequiredKeyedService<MiClient>(name);
            Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess);
            await client.CommandAsync("no_such_command", MiParams.Positional("x"), Ct);
            Assert.DoesNotContain(password, client.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(password, client.Endpoint, StringComparison.Ordinal);
            Assert.DoesNotContain(password, client.Options.ToString(), StringComparison.Ordinal);
        }

        var refused = await Assert.ThrowsAsync<MiTransportException>(() => provider.GetRequiredKeyedService<MiClient>("refused").CommandAsync("uptime", Ct));
        Assert.DoesNotContain(password, refused.Message, StringComparison.Ordinal);
        var health = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, health.Status);

        var all = provider.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(all, r => r.Level == LogLevel.Trace);
        Assert.Contains(all, r => r.Category == typeof(MiClient).FullName && r.Level == LogLevel.Debug);
        Assert.Contains(all, r => r.Category == typeof(MiClient).FullName && r.Level == LogLevel.Warning);
        Assert.DoesNotContain(all, r => r.Category?.StartsWith("System.Net.Http.HttpClient.OpenSips.Mi", StringComparison.Ordinal) == true);
        foreach (var record in all)
        {
            var text = record.Message + " " + record.Exception + " " + string.Join(" ", record.StructuredState?.Select(kv => kv.Value) ?? []);
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
