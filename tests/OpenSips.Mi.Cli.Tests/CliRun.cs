using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli.Tests;

/// <summary>The result of one in-process run.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs the tool in-process with captured streams and an injected (empty unless given) environment.</summary>
internal static class CliRun
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    public static async Task<CliResult> RunAsync(string[] args, IDictionary<string, string?>? env, bool terminal = false, IEmulatorFactory? emulator = null, TimeSpan? stopAfter = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = stdout,
            Error = stderr,
            Variables = env ?? new Dictionary<string, string?>(),
            OutputIsTerminal = terminal,
            Colors = false,
            Width = 120,
            Emulator = emulator ?? new FakeEmulatorFactory(),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(stopAfter ?? TimeSpan.FromSeconds(30));
        var code = await Cli.RunAsync(args, environment, timeout.Token);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
