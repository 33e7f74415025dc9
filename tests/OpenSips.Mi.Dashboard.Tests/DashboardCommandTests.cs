using System.Text.Json;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>The <c>dashboard</c> command line: usage errors before anything is bound, and the emulated fleet.</summary>
public sealed class DashboardCommandTests
{
    [Theory]
    [InlineData("--listen https://127.0.0.1:0", "TLS reverse proxy")]
    [InlineData("--listen http://dashboard.example.com:0", "is not an IP address")]
    [InlineData("--token short", "at least 16")]
    [InlineData("--interval fast", "is not a duration")]
    [InlineData("--interval 10ms", "between 0.05 and 3600")]
    [InlineData("--history 0", "between 1 and 1440")]
    [InlineData("--emulated --emulators 0", "between 1 and 500")]
    [InlineData("--emulated -u udp://127.0.0.1:8809", "leave out --url")]
    [InlineData("-u nonsense://x", "bad URI")]
    [InlineData("--events-advertise host:99999", "--events-advertise 'host:99999': the port must be 1-65535")]
    [InlineData("--events-listen ftp://127.0.0.1:0", "--events-listen")]
    public async Task Bad_options_are_usage_errors_with_exit_code_2(string args, string message)
    {
        var (code, _, error) = await DashboardRun.RunToEndAsync(args.Split(' '));

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulated_starts_the_asked_number_of_servers_with_moving_figures_and_dialogs()
    {
        await using var run = await DashboardRun.StartAsync(["--emulated", "--emulators", "3", "--interval", "200ms"]);
        using var http = new HttpClient { BaseAddress = run.Address };

        JsonElement servers;
        do
        {
            using var fleet = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/fleet", UriKind.Relative), TestContext.Current.CancellationToken));
            servers = fleet.RootElement.GetProperty("servers").Clone();
        }
        while (!servers.EnumerateArray().All(s => s.GetProperty("reachable").GetBoolean() && s.GetProperty("dialogs").ValueKind == JsonValueKind.Number));

        Assert.Equal(3, servers.GetArrayLength());
        Assert.Contains("watching 3 servers", run.Output, StringComparison.Ordinal);
        using var dialogs = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/servers/0/dialogs", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.True(dialogs.RootElement.GetProperty("dialogs").GetArrayLength() >= 3);
        using var contacts = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/servers/0/contacts?aor=alice", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.StartsWith("sip:alice@127.0.0.1:", contacts.RootElement.GetProperty("contacts")[0].GetProperty("contact").GetString(), StringComparison.Ordinal);
    }
}
