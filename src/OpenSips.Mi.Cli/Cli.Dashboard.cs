using System.CommandLine;
using OpenSips.Mi.Cli.Dashboard;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli;

/// <summary>
/// <c>dashboard</c>: a local web dashboard of one server or a fleet. Only the action touches ASP.NET Core (through
/// <see cref="DashboardRunner"/>), so the other subcommands never load it.
/// </summary>
internal static partial class Cli
{
    private static Command BuildDashboardCommand(GlobalSymbols globals, CliEnvironment env)
    {
        var listen = new Option<string>("--listen", "-l")
        {
            Description = "Where to serve: http://HOST:PORT (default http://127.0.0.1:8080; port 0 picks a free one). Any address but loopback requires an access token.",
            HelpName = "URL",
        };
        var interval = new Option<string>("--interval", "-i") { Description = "Time between polls: 1s (default), 500ms, 2 (seconds).", HelpName = "DURATION" };
        var history = new Option<double?>("--history") { Description = "Minutes of history kept in memory for the charts (default 15).", HelpName = "MINUTES" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Polls in flight at once (default 64; servers that failed last time poll in a separate lane of a quarter of it).", HelpName = "N" };
        var token = new Option<string>("--token")
        {
            Description = "The access token (at least 16 characters; default $OPENSIPS_MI_DASHBOARD_TOKEN, else a random one is generated when needed and printed in the address).",
            HelpName = "TOKEN",
        };
        var requireToken = new Option<bool>("--require-token") { Description = "Require the token on loopback too (a machine shared with other users)." };
        var readOnly = new Option<bool>("--read-only") { Description = "Turn the actions off: no NOTIFY, no ending dialogs, no MI console." };
        var emulators = new Option<int?>("--emulators") { Description = "With --emulated: how many emulated servers to start (default 1), e.g. 100 to try a fleet.", HelpName = "N" };
        var events = new Option<string[]>("--event")
        {
            Description = "An event for the live feed (repeatable; default the usrloc, dialog and core threshold events the server offers).",
            HelpName = "E_NAME",
        };
        var eventsListen = new Option<string>("--events-listen")
        {
            Description = "Where OpenSIPS sends the events: udp://127.0.0.1:0 (default), tcp://HOST:PORT or unix:///PATH.",
            HelpName = "URI",
        };
        var eventsAdvertise = new Option<string>("--events-advertise") { Description = "The address OpenSIPS should send events to when it differs from the bound one.", HelpName = "HOST[:PORT]" };
        var command = new Command("dashboard", "Serve a live web dashboard of one server or a fleet: cards, charts, statistics, contacts, dialogs, events and an MI console (Ctrl+C stops).\n" +
            "  opensips-mi dashboard -u udp://127.0.0.1:8809\n" +
            "  opensips-mi dashboard --targets fleet.txt --listen http://0.0.0.0:8080 --read-only\n" +
            "  opensips-mi dashboard --emulated --emulators 100")
        {
            listen, interval, history, concurrency, token, requireToken, readOnly, emulators, events, eventsListen, eventsAdvertise,
        };
        command.SetAction((parse, ct) =>
        {
            var options = globals.Read(parse);
            var request = new DashboardRequest(
                parse.GetValue(listen) ?? "http://127.0.0.1:8080",
                ParseDuration(parse.GetValue(interval) ?? "1s", "--interval"),
                parse.GetValue(history),
                parse.GetValue(concurrency),
                parse.GetValue(token) ?? (env.GetVariable(DashboardRunner.TokenVariable) is { Length: > 0 } fromEnv ? fromEnv : null),
                parse.GetValue(requireToken),
                parse.GetValue(readOnly),
                parse.GetValue(emulators),
                parse.GetValue(events) is { Length: > 0 } named ? named : null,
                parse.GetValue(eventsListen),
                parse.GetValue(eventsAdvertise) is { } advertise ? EventsAdvertise(advertise) : null);
            return options.Emulated || request.Emulators is not null
                ? DashboardRunner.RunEmulatedAsync(request, options, env, ct)
                : DashboardRunner.RunAsync(request, ResolveTargets(options, env), env, ct);
        });
        return command;
    }

    private static (string Host, int? Port) EventsAdvertise(string text)
    {
        try
        {
            return ParseHostPort(text);
        }
        catch (UsageException ex)
        {
            throw new UsageException(ex.Message.Replace("--advertise", "--events-advertise", StringComparison.Ordinal));
        }
    }

    /// <summary><c>1s</c>, <c>500ms</c>, <c>2m</c>, or a number of seconds.</summary>
    internal static TimeSpan ParseDuration(string text, string option)
    {
        var trimmed = text.Trim();
        var (number, scale) = trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (trimmed[..^2], 0.001)
            : trimmed.EndsWith('s') ? (trimmed[..^1], 1.0)
            : trimmed.EndsWith('m') ? (trimmed[..^1], 60.0)
            : (trimmed, 1.0);
        return double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? DurationInRange(value * scale, option)
            : throw new UsageException($"{option} '{text}' is not a duration such as 1s, 500ms or 2");
    }

    private static TimeSpan DurationInRange(double seconds, string option) =>
        double.IsFinite(seconds) && seconds >= 0.05 && seconds <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"{option} must be between 0.05 and 3600 seconds");
}
