namespace OpenSips.Mi.IntegrationTests.Support;

/// <summary>
/// Base of every test against a real server: requires the servers (fail in CI, skip elsewhere when they cannot be
/// built), and when the test fails, writes what the servers logged during it to the test's output.
/// </summary>
public abstract class RealServerTest<TServers>(TServers servers) : IAsyncLifetime
    where TServers : OpenSipsServers
{
    private int _mainMark;
    private int _unixMark;

    protected TServers Servers { get; } = servers;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync()
    {
        Servers.Require();
        _mainMark = Servers.Main.Log.Length;
        _unixMark = Servers.Unix.Log.Length;
        return ValueTask.CompletedTask;
    }

    public virtual ValueTask DisposeAsync()
    {
        ServerLogs.WriteOnFailure(Servers, _mainMark, _unixMark);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Writes the servers' log lines of a failed test to its output.</summary>
internal static class ServerLogs
{
    public static void WriteOnFailure(OpenSipsServers servers, int mainMark, int unixMark)
    {
        if (TestContext.Current.TestState?.Result != TestResult.Failed || TestContext.Current.TestOutputHelper is not { } output)
        {
            return;
        }

        try
        {
            output.WriteLine($"--- OpenSIPS {servers.Version} main instance ({servers.Main}) log during the test ---");
            output.WriteLine(servers.Main.Log.Since(mainMark));
            output.WriteLine($"--- OpenSIPS {servers.Version} unix instance ({servers.Unix}) log during the test ---");
            output.WriteLine(servers.Unix.Log.Since(unixMark));
        }
        catch (InvalidOperationException)
        {
            // The servers never started: the failure message already says why.
        }
    }
}
