using System.Text;
using System.Text.RegularExpressions;
using OpenSips.Mi.Cli;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>
/// <c>opensips-mi dashboard ARGS</c> run in-process (the real command line, Kestrel on 127.0.0.1:0) until disposed; the
/// address comes from what it prints.
/// </summary>
public sealed partial class DashboardRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly LockedWriter _out = new();
    private readonly LockedWriter _error = new();
    private readonly Task<int> _run;

    private DashboardRun(string[] args, IDictionary<string, string?>? variables)
    {
        var env = new CliEnvironment { Out = _out, Error = _error, Variables = variables ?? new Dictionary<string, string?>() };
        string[] listen = args.Contains("--listen") ? [] : ["--listen", "http://127.0.0.1:0"];
        _run = Task.Run(() => Cli.Cli.RunAsync(["dashboard", .. listen, .. args], env, _stop.Token));
    }

    /// <summary>The address printed after "open " (with ?token= when one was generated).</summary>
    public Uri Open { get; private set; } = null!;

    /// <summary>The address without any token.</summary>
    public Uri Address => new(Open.GetLeftPart(UriPartial.Authority) + "/");

    public string Output => _out.Text;

    public string Errors => _error.Text;

    public static async Task<DashboardRun> StartAsync(string[] args, IDictionary<string, string?>? variables = null)
    {
        var run = new DashboardRun(args, variables);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (OpenLine().Match(run.Output) is not { Success: true } match)
        {
            if (run._run.IsCompleted)
            {
                var code = await run._run;
                throw new InvalidOperationException($"the dashboard exited with {code}: {run.Output} {run.Errors}");
            }

            await Task.Delay(20, timeout.Token);
        }

        run.Open = new Uri(OpenLine().Match(run.Output).Groups[1].Value);
        return run;
    }

    /// <summary>Runs the command to its end (for usage errors): exit code, stdout, stderr.</summary>
    public static async Task<(int Code, string Out, string Error)> RunToEndAsync(params string[] args)
    {
        var run = new DashboardRun(args, null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var code = await run._run.WaitAsync(timeout.Token);
        await run.DisposeAsync();
        return (code, run.Output, run.Errors);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    [GeneratedRegex(@"^open (http://\S+)$", RegexOptions.Multiline)]
    private static partial Regex OpenLine();

    /// <summary>A writer the dashboard writes to from its threads while the test reads it.</summary>
    private sealed class LockedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }
    }
}
