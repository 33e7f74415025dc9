using System.CommandLine;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Cli.Output;
using OpenSips.Mi.Cli.Views;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OpenSips.Mi.Cli;

internal static partial class Cli
{
    private static Command BuildStatsCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var names = new Argument<string[]>("GROUP_OR_NAME")
        {
            Description = "Statistics to show: a group ending with ':' (dialog:, tm:, core:), a statistic name, or all (the default).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var watch = globals.Validation.Seconds(new Option<double?>("--watch", "-w") { Description = "Refresh every SECONDS as a live table with per-second rates (q or Ctrl+C quits).", HelpName = "SECONDS" });
        var count = globals.Validation.AtLeastOne(new Option<int?>("--count", "-n") { Description = "With --watch: stop after N samples.", HelpName = "N" });
        var command = new Command("stats", "Show statistics (get_statistics) as a table; --watch for a live table with rates.") { names, watch, count };
        command.SetAction((parse, ct) => WithTargetsAsync(parse, globals, env, async (targets, timeout, format) =>
        {
            var requested = parse.GetValue(names) is { Length: > 0 } given ? given : ["all"];
            var parameters = MiParams.Positional(MiValue.Array(requested.Select(MiValue.FromString)));
            Task<MiResponse> Call(MiClient client, CancellationToken token) => client.CommandAsync("get_statistics", parameters, null, token);

            if (parse.GetValue(watch) is not { } seconds)
            {
                var outcomes = await TargetRunner.RunAllAsync(targets, timeout, Call, ct);
                if (format == OutputFormat.Json)
                {
                    return ResultPrinter.Print(outcomes, format, env, targets.Count > 1);
                }

                var console = ResultPrinter.CreateConsole(env.Out, env.Colors, env.Width);
                foreach (var outcome in outcomes)
                {
                    if (targets.Count > 1)
                    {
                        console.Write(new Rule($"[bold]{Markup.Escape(outcome.Target)}[/]").LeftJustified());
                    }

                    if (outcome.Result is { } result)
                    {
                        console.Write(StatsView.Render(StatsSample.FromResult(env.Time.GetUtcNow(), result), null));
                    }
                    else
                    {
                        await env.Error.WriteLineAsync(targets.Count > 1 ? $"{outcome.Target}: {outcome.ErrorLine}" : outcome.ErrorLine);
                    }
                }

                return outcomes.Max(o => o.ExitCode);
            }

            var interval = TimeSpan.FromSeconds(seconds);
            var samples = parse.GetValue(count);
            if (targets.Count > 1)
            {
                throw new UsageException("stats --watch follows one server: give a single --url");
            }

            StatsSample? previous = null;
            return await LiveLoopAsync(env, format, targets[0], timeout, interval, samples, async (client, token) =>
            {
                var response = await Call(client, token);
                var sample = StatsSample.FromResult(env.Time.GetUtcNow(), response.GetResult());
                var view = StatsView.Render(sample, previous);
                var line = JsonText.Compact(response.GetResult());
                previous = sample;
                return (view, line);
            }, fullScreen: false, ct);
        }, ct));
        return command;
    }

    private static Command BuildTopCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var interval = globals.Validation.Seconds(new Option<double>("--interval", "-i") { Description = "Seconds between refreshes.", DefaultValueFactory = _ => 1, HelpName = "SECONDS" });
        var count = globals.Validation.AtLeastOne(new Option<int?>("--count", "-n") { Description = "Stop after N refreshes (default: until q or Ctrl+C).", HelpName = "N" });
        var command = new Command("top", "A live full-screen view of a server: uptime, processes, dialogs, transactions, contacts, memory, with rates and sparklines (q quits).")
        {
            interval, count,
        };
        command.SetAction((parse, ct) => WithTargetsAsync(parse, globals, env, async (targets, timeout, format) =>
        {
            if (targets.Count > 1)
            {
                throw new UsageException("top follows one server: give a single --url");
            }

            var state = new TopState(targets[0]);
            var statistics = MiParams.Positional(MiValue.Array(MiValue.FromString("all")));
            var exit = await LiveLoopAsync(env, format, targets[0], timeout, TimeSpan.FromSeconds(parse.GetValue(interval)), parse.GetValue(count), async (client, token) =>
            {
                try
                {
                    var uptime = client.CommandAsync("uptime", token);
                    var ps = client.CommandAsync("ps", token);
                    var stats = client.CommandAsync("get_statistics", statistics, null, token);
                    await Task.WhenAll(uptime, ps, stats);
                    var snapshot = TopSnapshot.From(env.Time.GetUtcNow(), (await uptime).GetResult(), (await ps).GetResult(), (await stats).GetResult());
                    state.Add(snapshot);
                    return (TopView.Render(state), JsonText.Compact((await stats).GetResult()));
                }
                catch (Exception ex) when (TargetRunner.Describe(ex) is { ExitCode: ExitCodes.Transport } failure && !token.IsCancellationRequested)
                {
                    // A server restarting or a lost datagram must not end the view: show the error and retry on the next tick.
                    state.Fail(env.Time.GetUtcNow(), failure.Message);
                    return (TopView.Render(state), "{\"error\":{\"message\":" + JsonText.Quote(failure.Message) + "}}");
                }
            }, fullScreen: true, ct);

            // A run whose last refresh failed (e.g. with --count) ends with the error on stderr and the transport exit code.
            if (exit == ExitCodes.Success && state.Error is { } error && !ct.IsCancellationRequested)
            {
                await env.Error.WriteLineAsync(error);
                return ExitCodes.Transport;
            }

            return exit;
        }, ct));
        return command;
    }

    /// <summary>
    /// Samples a server every <paramref name="interval"/> until <paramref name="count"/> samples, <c>q</c> or Ctrl+C. On a terminal the
    /// view is redrawn in place (in the alternate screen for <paramref name="fullScreen"/>); otherwise each view is printed in turn,
    /// or with <c>-o json</c> each sample as one JSON line.
    /// </summary>
    private static async Task<int> LiveLoopAsync(
        CliEnvironment env,
        OutputFormat format,
        string target,
        ConnectSettings timeout,
        TimeSpan interval,
        int? count,
        Func<MiClient, CancellationToken, Task<(IRenderable View, string Json)>> sample,
        bool fullScreen,
        CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var keys = WatchForQuitAsync(env, stop);
        await using var client = TargetRunner.Connect(target, timeout);
        var live = env.OutputIsTerminal && format != OutputFormat.Json;
        var console = ResultPrinter.CreateConsole(env.Out, env.Colors, env.Width, ansi: live);
        var exit = ExitCodes.Success;
        try
        {
            if (!live)
            {
                for (var i = 0; count is null || i < count; i++)
                {
                    var (view, json) = await sample(client, stop.Token);
                    if (format == OutputFormat.Json)
                    {
                        await env.Out.WriteLineAsync(json);
                    }
                    else
                    {
                        console.Write(view);
                    }

                    if (count is null || i + 1 < count)
                    {
                        await Task.Delay(interval, env.Time, stop.Token);
                    }
                }

                return ExitCodes.Success;
            }

            if (fullScreen)
            {
                await env.Out.WriteAsync("\u001b[?1049h\u001b[H");
            }

            var first = await sample(client, stop.Token);
            await console.Live(first.View).AutoClear(false).StartAsync(async context =>
            {
                for (var i = 1; count is null || i < count; i++)
                {
                    await Task.Delay(interval, env.Time, stop.Token);
                    var (view, _) = await sample(client, stop.Token);
                    context.UpdateTarget(view);
                    context.Refresh();
                }
            });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // q or Ctrl+C: a normal way to leave a live view.
        }
        catch (Exception ex) when (TargetRunner.Describe(ex) is { } failure)
        {
            exit = failure.ExitCode;
            if (fullScreen && live)
            {
                await env.Out.WriteAsync("\u001b[?1049l");
                fullScreen = false;
            }

            await env.Error.WriteLineAsync(failure.Message);
        }
        finally
        {
            if (fullScreen && live)
            {
                await env.Out.WriteAsync("\u001b[?1049l");
            }

            await stop.CancelAsync();
            await keys;
        }

        return exit;
    }

    private static async Task WatchForQuitAsync(CliEnvironment env, CancellationTokenSource stop)
    {
        if (env.ReadKeyAsync is null)
        {
            return;
        }

        try
        {
            while (!stop.IsCancellationRequested)
            {
                var key = await env.ReadKeyAsync(stop.Token);
                if (key is 'q' or 'Q')
                {
                    await stop.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
