using System.CommandLine;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Cli.Output;

namespace OpenSips.Mi.Cli;

internal static partial class Cli
{
    private static Command BuildBenchCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var method = new Option<string>("--command", "-c") { Description = "The MI command to call.", DefaultValueFactory = _ => "uptime", HelpName = "COMMAND" };
        var parameters = new Option<string[]>("--params", "-p") { Description = "The command's ARGs, as for a normal call (name=value named, bare positional; JSON with --json).", AllowMultipleArgumentsPerToken = true, HelpName = "ARG" };
        const string Counts = "--requests must be at least 1 and --concurrency between 1 and 4096";
        var requests = globals.Validation.Check(
            new Option<int?>("--requests", "-n") { Description = "Calls to make (default 10000, or unbounded with --duration).", HelpName = "N" },
            n => n is <= 0 ? Counts : null);
        var duration = globals.Validation.Seconds(new Option<double?>("--duration", "-d") { Description = "Stop after SECONDS (whichever of --requests and --duration comes first).", HelpName = "SECONDS" });
        var concurrency = globals.Validation.Check(
            new Option<int>("--concurrency", "-C") { Description = "Calls in flight at once, all on ONE client.", DefaultValueFactory = _ => 1, HelpName = "C" },
            c => c is <= 0 or > 4096 ? Counts : null);
        var raw = new Option<bool>("--raw") { Description = "Send the same pre-encoded request through bare sockets / TCP connections / FIFOs with the least work (one thread serving C of them): the floor to compare the library with." };
        var warmup = globals.Validation.Check(
            new Option<double?>("--warmup") { Description = "Warm up for SECONDS (default 2) or as many calls as --requests, whichever ends first; not counted in the figures, reported apart. 0: none.", HelpName = "SECONDS" },
            w => w is { } v && !(double.IsFinite(v) && v >= 0 && v <= 3600) ? "--warmup must be between 0 and 3600 seconds" : null);
        var perCall = new Option<bool>("--reply-fifo-per-call") { Description = "mi_fifo: a fresh reply FIFO for every call instead of the client's small pool (FifoOptions.ReuseReplyFifos = false)." };
        var httpClient = new Option<bool>("--use-http-client") { Description = "mi_http/mi_xmlrpc_ng: send through HttpClient instead of the lean HTTP path (HttpOptions.UseHttpClient)." };

        var command = new Command("bench", "Load a server with one command: calls/s, errors and latency percentiles, library or --raw.\n" +
            "  opensips-mi bench -u udp://127.0.0.1:8809 -n 20000 -C 16\n  opensips-mi bench --emulated --transport http --duration 5 --raw -o json")
        {
            method, parameters, requests, duration, concurrency, raw, warmup, perCall, httpClient,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = globals.Read(parse);
            var format = options.Output ?? (env.OutputIsTerminal ? OutputFormat.Pretty : OutputFormat.Json);
            var plan = new BenchPlan(
                parse.GetValue(method) ?? "uptime",
                ParamsBuilder.Build(parse.GetValue(method) ?? "uptime", parse.GetValue(parameters) ?? [], options.Json),
                parse.GetValue(requests) ?? (parse.GetValue(duration) is null ? 10_000 : int.MaxValue),
                parse.GetValue(duration) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                parse.GetValue(concurrency),
                parse.GetValue(raw),
                parse.GetValue(warmup) is { } warm ? TimeSpan.FromSeconds(warm) : BenchPlan.DefaultWarmup);
            string target;
            ConnectSettings settings;
            EmulatedTarget? emulated = null;
            try
            {
                if (options.Emulated)
                {
                    emulated = await StartEmulatedAsync(options, env, forLoad: true, ct);
                    (target, settings) = (emulated.Target, emulated.Settings);
                }
                else
                {
                    var (urls, resolved) = ResolveTargets(options, env);
                    if (urls.Count != 1)
                    {
                        throw new UsageException("bench loads one server: give a single --url");
                    }

                    (target, settings) = (urls[0], resolved);
                }

                var connection = TargetRunner.ParseOptions(target, settings);
                if (parse.GetValue(perCall) && connection is FifoOptions fifo)
                {
                    connection = fifo with { ReuseReplyFifos = false };
                }

                if (parse.GetValue(httpClient) && connection is HttpOptions http)
                {
                    connection = http with { UseHttpClient = true };
                }

                var report = await BenchRunner.RunAsync(connection, plan, format == OutputFormat.Json ? null : env, ct);
                await env.Out.WriteLineAsync(format == OutputFormat.Json ? report.ToJson() : report.ToText());
                return report.ExitCode;
            }
            finally
            {
                if (emulated is not null)
                {
                    await emulated.DisposeAsync();
                }
            }
        });
        return command;
    }
}
