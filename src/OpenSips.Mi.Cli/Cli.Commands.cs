using System.CommandLine;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Cli.Output;

namespace OpenSips.Mi.Cli;

internal static partial class Cli
{
    private static Command BuildCommandsCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var command = new Command(
            "commands",
            "List the server's MI commands (from 'which'). On OpenSIPS 4.0 each module:command name is followed by the 3.x name the server still accepts, if any.");
        command.SetAction((parse, ct) => WithTargetsAsync(parse, globals, env, async (targets, timeout, format) =>
        {
            var outcomes = await TargetRunner.RunAllAsync(targets, timeout, (client, token) => client.CommandAsync("which", token), ct);
            if (format == OutputFormat.Pretty && targets.Count == 1 && outcomes[0].Result is { ValueKind: JsonValueKind.Array } names)
            {
                foreach (var (listed, aliases) in CommandNames.WithAliases(names.EnumerateArray().Select(JsonText.Cell).ToList()))
                {
                    await env.Out.WriteLineAsync(aliases.Count == 0 ? listed : $"{listed}  {string.Join(' ', aliases)}");
                }

                return ExitCodes.Success;
            }

            return ResultPrinter.Print(outcomes, format, env, targets.Count > 1);
        }, ct));
        return command;
    }

    private static Command BuildCompletionCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish." };
        shell.AcceptOnlyFromAmong([.. Completion.Shells]);
        var command = new Command(
            "completion",
            "Print a shell completion script: every subcommand and option (the script asks the tool on each Tab), and MI command " +
            "names (the server's, from 'which', when a server is given with --url, $OPENSIPS_MI_URL or the config file; else OpenSIPS 3.6.8's; " +
            "on OpenSIPS 4.0 also the 3.x names it still accepts).\n" +
            "  opensips-mi completion bash > /etc/bash_completion.d/opensips-mi")
        {
            shell,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = globals.Read(parse);
            IReadOnlyList<string>? names = null;
            if (options.Emulated || Settings.Resolve(options, env).Source != "default")
            {
                var exit = await WithTargetsAsync(parse, globals, env, async (targets, timeout, _) =>
                {
                    var outcome = await TargetRunner.RunOneAsync(targets[0], timeout, (client, token) => client.CommandAsync("which", token), ct);
                    if (outcome.Result is not { ValueKind: JsonValueKind.Array } list)
                    {
                        await env.Error.WriteLineAsync(outcome.ErrorLine ?? "'which' did not answer a list of command names");
                        return outcome.ExitCode == ExitCodes.Success ? ExitCodes.Transport : outcome.ExitCode;
                    }

                    names = [.. list.EnumerateArray().Select(JsonText.Cell)];
                    return ExitCodes.Success;
                }, ct);
                if (exit != ExitCodes.Success)
                {
                    return exit;
                }
            }

            await env.Out.WriteAsync(Completion.Script(parse.GetValue(shell)!, names is null ? null : CommandNames.Offered([.. names])));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEmulatorCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var udp = Port(globals, new Option<int?>("--udp") { Description = "UDP port for mi_datagram (0: any free port).", HelpName = "PORT" });
        var http = Port(globals, new Option<int?>("--http") { Description = "TCP port for mi_http and mi_xmlrpc_ng (0: any free port).", HelpName = "PORT" });
        var fifo = new Option<string>("--fifo") { Description = "Path of an mi_fifo FIFO to create.", HelpName = "PATH" };
        var unix = new Option<string>("--unix") { Description = "Path of an mi_datagram unix socket to bind.", HelpName = "PATH" };
        var command = new Command("emulator", "Run the OpenSips.Mi.Testing emulator on loopback until Ctrl+C, printing its endpoints (UDP and HTTP on free ports by default).")
        {
            udp, http, fifo, unix,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new EmulatorRequest(parse.GetValue(udp), parse.GetValue(http), parse.GetValue(fifo), parse.GetValue(unix));
            await using var server = await env.Emulator.StartAsync(request, ct);
            foreach (var note in server.Notes)
            {
                await env.Error.WriteLineAsync("note: " + note);
            }

            await env.Out.WriteLineAsync("OpenSIPS MI emulator listening on:");
            foreach (var endpoint in server.Endpoints)
            {
                await env.Out.WriteLineAsync("  " + endpoint);
            }

            await env.Out.WriteLineAsync($"Try: opensips-mi --url {server.Endpoints[0]} uptime   (Ctrl+C stops the emulator)");
            await env.Out.FlushAsync(ct);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<int?> Port(GlobalSymbols globals, Option<int?> option) =>
        globals.Validation.Check(option, port => port is < 0 or > 65535 ? $"port {port} is out of range 0-65535" : null);
}
