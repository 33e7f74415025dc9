using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>
/// The servers a browser test watches. The emulator provides them here; the integration suite provides real OpenSIPS
/// servers through the same shape, so <see cref="DashboardPageTests"/> runs unchanged against both.
/// </summary>
public interface IDashboardTargets : IAsyncDisposable
{
    /// <summary>The MI URIs, in the order the dashboard numbers them (0, 1, …).</summary>
    IReadOnlyList<string> Uris { get; }

    /// <summary>Stops one server, so the dashboard sees it go away.</summary>
    Task StopAsync(int index);
}

/// <summary>Emulated servers on loopback UDP whose t_uac_dlg really sends SIP (to loopback only).</summary>
public sealed class EmulatedTargets : IDashboardTargets
{
    private readonly List<(MiEmulator Emulator, MiEmulatorSipUac Sip)> _servers = [];
    private readonly HashSet<int> _stopped = [];

    private EmulatedTargets()
    {
    }

    public IReadOnlyList<string> Uris => [.. _servers.Select(s => s.Emulator.UdpUri)];

    public MiEmulator this[int index] => _servers[index].Emulator;

    public static async Task<EmulatedTargets> StartAsync(int count)
    {
        var targets = new EmulatedTargets();
        for (var i = 0; i < count; i++)
        {
            var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUnix = false, EnableFifo = false });
            var sip = MiEmulatorSipUac.Attach(emulator, new SipUacOptions { FinalResponseTimeout = TimeSpan.FromSeconds(3), T1 = TimeSpan.FromMilliseconds(100), T2 = TimeSpan.FromMilliseconds(400) });
            targets._servers.Add((emulator, sip));
        }

        return targets;
    }

    public async Task StopAsync(int index)
    {
        if (_stopped.Add(index))
        {
            await _servers[index].Sip.DisposeAsync();
            await _servers[index].Emulator.DisposeAsync();
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
