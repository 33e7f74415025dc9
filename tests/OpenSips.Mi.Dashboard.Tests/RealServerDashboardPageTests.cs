using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>Real OpenSIPS servers on loopback (tests/OpenSips.Mi.ServerFixture), watched over mi_datagram.</summary>
public sealed class RealServerTargets : IDashboardTargets
{
    private readonly List<OpenSipsServer> _servers;
    private readonly HashSet<int> _stopped = [];

    private RealServerTargets(List<OpenSipsServer> servers) => _servers = servers;

    public IReadOnlyList<string> Uris => [.. _servers.Select(s => s.DatagramUri)];

    /// <summary>Starts <paramref name="count"/> servers; a version that cannot be built fails in CI and skips elsewhere.</summary>
    public static async Task<RealServerTargets> StartAsync(string version, int count)
    {
        var servers = new List<OpenSipsServer>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                servers.Add(await OpenSipsServer.StartAsync(new OpenSipsServerOptions { Version = version }));
            }

            return new RealServerTargets(servers);
        }
        catch (Exception ex)
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            if (ex is OpenSipsUnavailableException && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Skip(ex.Message);
            }

            throw;
        }
    }

    public async Task StopAsync(int index)
    {
        if (_stopped.Add(index))
        {
            await _servers[index].DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _servers.Count; i++)
        {
            await StopAsync(i);
        }
    }
}

/// <summary><see cref="DashboardPageTests"/> against real OpenSIPS 3.6.8 servers.</summary>
public sealed class RealServer36DashboardPageTests(Browser browser) : DashboardPageTests(browser)
{
    protected override async Task<IDashboardTargets> StartTargetsAsync(int count) => await RealServerTargets.StartAsync("3.6.8", count);
}

/// <summary><see cref="DashboardPageTests"/> against real OpenSIPS 4.0.1 servers (module:cmd names, the 4.0 aliases).</summary>
public sealed class RealServer40DashboardPageTests(Browser browser) : DashboardPageTests(browser)
{
    protected override async Task<IDashboardTargets> StartTargetsAsync(int count) => await RealServerTargets.StartAsync("4.0.1", count);
}
