using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Cli.Output;

namespace OpenSips.Mi.Cli;

/// <summary>The <c>opensips-mi</c> command line: parsing, the global options and the dispatch to the subcommands.</summary>
internal static partial class Cli
{
    /// <summary>Runs the tool in-process with the given streams and environment (null: the process environment).</summary>
    public static Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        IDictionary<string, string?>? env = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliEnvironment { Out = stdout, Error = stderr, Variables = env }, cancellationToken);

    /// <summary>Runs the tool in the given environment; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);
        var globals = new GlobalSymbols();
        var root = BuildRoot(globals, env);
        var parse = root.Parse(new ArgsNormalizer(root).Normalize(Completion.AsTypedBy(args, root.Name)), new ParserConfiguration { ResponseFileTokenReplacer = null });
        var completing = root.Directives.OfType<SuggestDirective>().Any(d => parse.GetResult(d) is not null);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction and not ExitCodesHelpAction && !completing)
        {
            foreach (var error in parse.Errors)
            {
                await env.Error.WriteLineAsync($"opensips-mi: {error.Message}");
            }

            if (!globals.Validation.AreOurs(parse.Errors))
            {
                await env.Error.WriteLineAsync("Run 'opensips-mi --help' for usage.");
            }

            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = env.Out,
            Error = env.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (TargetRunner.Describe(ex) is { } failure)
        {
            await env.Error.WriteLineAsync(failure.ExitCode == ExitCodes.Usage ? $"opensips-mi: {failure.Message}" : failure.Message);
            return failure.ExitCode;
        }
    }

    /// <summary>The options every command shares (recursive, so they may come before or after the subcommand).</summary>
    internal sealed class GlobalSymbols
    {
        /// <summary>The validators of this run (their messages print like a usage error).</summary>
        public Validation Validation { get; } = new();

        public Option<string[]> Url { get; } = new("--url", "-u")
        {
            Description = "MI endpoint: udp://HOST:PORT, unix:///PATH, http(s)://HOST:PORT/mi, xmlrpc+http(s)://HOST:PORT/RPC2 or fifo:///PATH. Repeat for several servers.",
            Recursive = true,
            HelpName = "URI",
        };

        public Option<string> Targets { get; } = new("--targets")
        {
            Description = "A file with one URI a line (blank lines and # comments skipped); the command runs on all of them.",
            Recursive = true,
            HelpName = "FILE",
        };

        public Option<double?> Timeout { get; } = new("--timeout", "-t")
        {
            Description = "Seconds to wait for each reply (default 5, or \"timeout\" in the config file).",
            Recursive = true,
            HelpName = "SECONDS",
        };

        public Option<string> Output { get; } = new("--output", "-o")
        {
            Description = "json: the compact JSON result on one line; pretty: indented and coloured (default on a terminal); table: list-like results as a table.",
            Recursive = true,
            HelpName = "json|pretty|table",
        };

        public Option<bool> Json { get; } = new("--json", "-j")
        {
            Description = "Each ARG is JSON (name=JSON for named ones); a single JSON object or array ARG is the whole params.",
            Recursive = true,
        };

        public Option<string> Config { get; } = new("--config")
        {
            Description = "Config file (default $OPENSIPS_MI_CONFIG, else ~/.config/opensips-mi/config.json), e.g. {\"url\":\"udp://127.0.0.1:8809\",\"timeout\":5}.",
            Recursive = true,
            HelpName = "FILE",
        };

        public Option<bool> Emulated { get; } = new("--emulated")
        {
            Description = "Run against an in-process OpenSIPS MI emulator instead of a server (to try the tool anywhere).",
            Recursive = true,
        };

        public Option<string> Transport { get; } = new("--transport")
        {
            Description = "With --emulated: the emulator endpoint to use (default udp).",
            Recursive = true,
            HelpName = "udp|unix|http|xmlrpc|fifo",
        };

        public GlobalSymbols()
        {
            Output.AcceptOnlyFromAmong("json", "pretty", "table");
            Transport.AcceptOnlyFromAmong("udp", "unix", "http", "xmlrpc", "fifo");
            Validation.Check(Timeout, seconds => seconds is { } s && !(double.IsFinite(s) && s > 0 && s <= 86400)
                ? Settings.TimeoutError("--timeout", s)
                : null);
            Targets.CompletionSources.Add(FileCompletions);
            Config.CompletionSources.Add(FileCompletions);
        }

        public IEnumerable<Option> All => [Url, Targets, Timeout, Output, Json, Config, Emulated, Transport];

        public GlobalOptions Read(ParseResult parse) => new(
            parse.GetValue(Url) ?? [],
            parse.GetValue(Targets),
            parse.GetValue(Timeout),
            parse.GetValue(Output) switch
            {
                "json" => OutputFormat.Json,
                "pretty" => OutputFormat.Pretty,
                "table" => OutputFormat.Table,
                _ => null,
            },
            parse.GetValue(Json),
            parse.GetValue(Config),
            parse.GetValue(Emulated),
            parse.GetValue(Transport));
    }

    /// <summary>
    /// The subcommands, one line each: a new subcommand is a <c>Build…Command(globals, env)</c> method in its own file and
    /// one line here; help, completion and the argument normalizer read the tree, so they need no edit.
    /// </summary>
    private static readonly Func<GlobalSymbols, CliEnvironment, Command>[] SubcommandBuilders =
    [
        BuildCommandsCommand,
        BuildCompletionCommand,
        BuildStatsCommand,
        BuildTopCommand,
        BuildEmulatorCommand,
        BuildBenchCommand,
        BuildNotifyCommand,
        BuildMwiCommand,
        BuildUacCommand,
        BuildEventsCommand,
        BuildDashboardCommand,
        BuildTraceCommand,
    ];

    /// <summary>Builds the whole command tree (also used by the tests that walk it).</summary>
    internal static RootCommand BuildRoot(GlobalSymbols globals, CliEnvironment env)
    {
        // Hidden, so it does not appear in every subcommand's usage line; the root's help describes it (RootHelp).
        var command = new Argument<string[]>("COMMAND")
        {
            Description = CommandDescription,
            Arity = ArgumentArity.ZeroOrMore,
            HelpName = "COMMAND [ARG...]",
            Hidden = true,
        };
        command.CompletionSources.Add(context => CompleteMiCommandName(context, command, env));
        var root = new RootCommand(
            "Run OpenSIPS Management Interface commands on one server or many.\n" +
            "Examples:\n" +
            "  opensips-mi uptime\n" +
            "  opensips-mi -u udp://127.0.0.1:8809 get_statistics dialog: tm:\n" +
            "  opensips-mi ul_show_contact table_name=location aor=alice\n" +
            "  opensips-mi --url udp://10.0.0.1:8809 --url udp://10.0.0.2:8809 -o json reload_routes\n" +
            "  opensips-mi --emulated get_statistics dialog: tm:");
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }

        root.Arguments.Add(command);
        root.SetAction((parse, ct) => RunMiCommandAsync(parse, globals, command, env, ct));
        foreach (var build in SubcommandBuilders)
        {
            root.Subcommands.Add(build(globals, env));
        }

        var help = root.Options.OfType<HelpOption>().Single();
        help.Aliases.Remove("/?");
        help.Aliases.Remove("/h");
        help.Action = new ExitCodesHelpAction((HelpAction)help.Action!);
        return root;
    }

    private const string CommandDescription =
        "The MI command (e.g. uptime, ps, get_statistics, ul_show_contact) and its ARGs: name=value is named, a bare ARG positional.";

    /// <summary>
    /// The MI command names offered at the COMMAND position: those the completion script was generated with (the server's
    /// <c>which</c>, passed back in <see cref="Completion.CommandsVariable"/>), else the commands OpenSIPS 3.6.8 lists.
    /// </summary>
    private static IEnumerable<string> CompleteMiCommandName(CompletionContext context, Argument<string[]> command, CliEnvironment env)
    {
        var given = context.ParseResult.GetResult(command)?.Tokens.Count(t => t.Value != context.WordToComplete) ?? 0;
        return given > 0 ? [] : Completion.MiCommandNames(env);
    }

    private static List<string> FileCompletions(CompletionContext context)
    {
        var word = context.WordToComplete;
        var directory = Path.GetDirectoryName(word);
        var lookIn = string.IsNullOrEmpty(directory) ? "." : directory;
        try
        {
            return Directory.EnumerateFileSystemEntries(lookIn, Path.GetFileName(word) + "*")
                .Select(path => string.IsNullOrEmpty(directory) ? Path.GetFileName(path) : path)
                .Order(StringComparer.Ordinal)
                .Take(200)
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [];
        }
    }

    private static async Task<int> RunMiCommandAsync(ParseResult parse, GlobalSymbols globals, Argument<string[]> command, CliEnvironment env, CancellationToken ct)
    {
        var tokens = parse.GetValue(command) ?? [];
        if (tokens.Length == 0)
        {
            throw new UsageException("no MI command given: try 'opensips-mi uptime', 'opensips-mi commands' or 'opensips-mi --help'");
        }

        var method = tokens[0];
        if (method.StartsWith('-'))
        {
            throw new UsageException($"unknown option '{method}' (MI command names do not start with '-'; put '--' before an ARG that does)");
        }

        var parameters = ParamsBuilder.Build(method, tokens[1..], globals.Read(parse).Json);
        return await WithTargetsAsync(parse, globals, env, async (targets, timeout, format) =>
        {
            var outcomes = await TargetRunner.RunAllAsync(targets, timeout, (client, token) => client.CommandAsync(method, parameters, null, token), ct);
            return ResultPrinter.Print(outcomes, format, env, targets.Count > 1);
        }, ct);
    }

    /// <summary>Resolves the targets (or starts the emulator for <c>--emulated</c>) and the output format, then runs <paramref name="body"/>.</summary>
    private static async Task<int> WithTargetsAsync(
        ParseResult parse,
        GlobalSymbols globals,
        CliEnvironment env,
        Func<IReadOnlyList<string>, ConnectSettings, OutputFormat, Task<int>> body,
        CancellationToken ct)
    {
        var options = globals.Read(parse);
        var format = options.Output ?? (env.OutputIsTerminal ? OutputFormat.Pretty : OutputFormat.Json);
        if (!options.Emulated)
        {
            var (urls, settings) = ResolveTargets(options, env);
            return await body(urls, settings, format);
        }

        await using var emulated = await StartEmulatedAsync(options, env, forLoad: false, ct);
        return await body([emulated.Target], emulated.Settings, format);
    }

    /// <summary>The targets of a real run: every URI checked before anything is sent, so a typo in a fleet list is a usage error, not a partial run.</summary>
    private static (IReadOnlyList<string> Urls, ConnectSettings Settings) ResolveTargets(GlobalOptions options, CliEnvironment env)
    {
        if (options.Transport is not null)
        {
            throw new UsageException("--transport chooses the endpoint of --emulated; for a server, give its URI with --url");
        }

        var resolved = Settings.Resolve(options, env);
        var settings = new ConnectSettings(resolved.Timeout);
        foreach (var url in resolved.Urls)
        {
            TargetRunner.ParseOptions(url, settings);
        }

        return (resolved.Urls, settings);
    }

    /// <summary>
    /// Starts the in-process emulator for <c>--emulated</c> with the endpoint of <c>--transport</c> (udp by default), and the
    /// settings to reach it: for mi_fifo, the emulator's reply directory instead of the client's default <c>/tmp/</c>.
    /// </summary>
    private static async Task<EmulatedTarget> StartEmulatedAsync(GlobalOptions options, CliEnvironment env, bool forLoad, CancellationToken ct)
    {
        if (options.Urls.Count > 0 || options.TargetsFile is not null)
        {
            throw new UsageException("--emulated runs against an in-process emulator: leave out --url and --targets");
        }

        var timeout = Settings.Resolve(options with { Urls = ["emulated"] }, env).Timeout;
        var transport = options.Transport ?? "udp";
        var request = transport switch
        {
            "unix" => new EmulatorRequest(UnixPath: string.Empty),
            "http" or "xmlrpc" => new EmulatorRequest(HttpPort: 0),
            "fifo" => new EmulatorRequest(FifoPath: string.Empty),
            _ => new EmulatorRequest(UdpPort: 0),
        };
        var server = await env.Emulator.StartAsync(request with { ForLoad = forLoad }, ct);
        var scheme = transport switch
        {
            "unix" => "unix:", "http" => "http", "xmlrpc" => "xmlrpc+", "fifo" => "fifo:", _ => "udp:",
        };
        var target = server.Endpoints.FirstOrDefault(e => e.StartsWith(scheme, StringComparison.Ordinal)) ?? server.Endpoints[0];
        return new EmulatedTarget(server, target, new ConnectSettings(timeout, server.FifoReplyDirectory));
    }

    /// <summary>A running emulator and how to reach the endpoint chosen with <c>--transport</c>.</summary>
    private sealed record EmulatedTarget(IEmulatedServer Server, string Target, ConnectSettings Settings) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>
    /// The default help; for the root, its usage names the MI command (the COMMAND argument is hidden so that it stays out
    /// of the subcommands' usage lines), followed by the exit codes and the target precedence.
    /// </summary>
    private sealed class ExitCodesHelpAction(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.CommandResult.Command is not RootCommand)
            {
                return inner.Invoke(parseResult);
            }

            using var captured = new StringWriter();
            parseResult.InvocationConfiguration.Output = captured;
            try
            {
                inner.Invoke(parseResult);
            }
            finally
            {
                parseResult.InvocationConfiguration.Output = output;
            }

            output.Write(RootHelp(parseResult, captured.ToString()));
            output.WriteLine(ExitCodes.HelpText);
            return ExitCodes.Success;
        }

        /// <summary>Puts <c>COMMAND [ARG...]</c> into the root's usage and describes it above the options.</summary>
        private static string RootHelp(ParseResult parseResult, string help)
        {
            var name = parseResult.RootCommandResult.Command.Name;
            help = help.Replace(
                $"  {name} [command] [options]",
                $"  {name} [options] COMMAND [ARG...]     run an MI command\n" +
                $"  {name} [options] SUBCOMMAND ...       see Commands",
                StringComparison.Ordinal);
            return help.Replace(
                "Options:",
                "Arguments:\n  COMMAND [ARG...]  " + CommandDescription + "\n\nOptions:",
                StringComparison.Ordinal);
        }
    }
}
