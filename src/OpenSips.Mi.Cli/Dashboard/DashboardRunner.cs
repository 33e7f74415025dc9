using System.Globalization;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>What <c>opensips-mi dashboard</c> was asked for, before validation.</summary>
internal sealed record DashboardRequest(
    string Listen,
    TimeSpan Interval,
    double? HistoryMinutes,
    int? Concurrency,
    string? Token,
    bool RequireToken,
    bool ReadOnly,
    int? Emulators,
    IReadOnlyList<string>? Events,
    string? EventsListen,
    (string Host, int? Port)? EventsAdvertise);

/// <summary>Validates the request, starts the poller and the web host, prints the address, and runs until cancelled.</summary>
internal static class DashboardRunner
{
    public const string TokenVariable = "OPENSIPS_MI_DASHBOARD_TOKEN";

    public const int MaxEmulators = 500;

    public static async Task<int> RunEmulatedAsync(DashboardRequest request, GlobalOptions options, CliEnvironment env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Urls.Count > 0 || options.TargetsFile is not null)
        {
            throw new UsageException("--emulated runs against in-process emulators: leave out --url and --targets");
        }

        if (options.Transport is not null and not "udp")
        {
            throw new UsageException("dashboard --emulated serves its emulators over udp; leave out --transport");
        }

        var count = request.Emulators ?? 1;
        if (count is < 1 or > MaxEmulators)
        {
            throw new UsageException($"--emulators must be between 1 and {MaxEmulators}");
        }

        var timeout = Settings.Resolve(options with { Urls = ["emulated"] }, env).Timeout;
        await using var fleet = await DemoFleet.StartAsync(count, request.Interval, cancellationToken);
        return await RunAsync(request, (fleet.Targets, new ConnectSettings(timeout)), env, cancellationToken);
    }

    public static async Task<int> RunAsync(DashboardRequest request, (IReadOnlyList<string> Urls, ConnectSettings Settings) targets, CliEnvironment env, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(env);
        var listen = ListenAddress.Parse(request.Listen);
        var access = DashboardAccess.Decide(listen, request.Token, request.RequireToken);
        var pollerOptions = new FleetPollerOptions
        {
            Interval = request.Interval,

            // The global --timeout bounds each poll; by default two intervals, between 1 s and 5 s.
            PollTimeout = targets.Settings.Timeout ?? TimeSpan.FromTicks(Math.Clamp(request.Interval.Ticks * 2, TimeSpan.TicksPerSecond, 5 * TimeSpan.TicksPerSecond)),
            MaxConcurrency = request.Concurrency ?? 64,
            HistoryWindow = TimeSpan.FromMinutes(request.HistoryMinutes ?? 15),
        };
        pollerOptions.Validate();
        var eventOptions = new MiSubscriptionOptions
        {
            Listen = request.EventsListen ?? MiSubscriptionOptions.Default.Listen,
            AdvertisedHost = request.EventsAdvertise?.Host,
            AdvertisedPort = request.EventsAdvertise?.Port,
        };
        try
        {
            eventOptions.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException("--events-listen/--events-advertise: " + ex.Message);
        }

        var clients = new List<MiClient>();
        try
        {
            foreach (var url in targets.Urls)
            {
                clients.Add(TargetRunner.Connect(url, targets.Settings));
            }
        }
        catch
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            throw;
        }

        await using var poller = new FleetPoller(clients, pollerOptions);
        var dashboardOptions = new DashboardOptions(listen, access, request.ReadOnly, eventOptions, request.Events ?? EventFeed.DefaultEvents);
        await using var host = await DashboardHost.StartAsync(poller, dashboardOptions, cancellationToken);
        await PrintAsync(env, host, poller, access, listen, request);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, host.Stopping);
        try
        {
            await poller.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return ExitCodes.Success;
    }

    private static async Task PrintAsync(CliEnvironment env, DashboardHost host, FleetPoller poller, DashboardAccess access, ListenAddress listen, DashboardRequest request)
    {
        var servers = poller.Servers.Count == 1 ? poller.Servers[0].Target : $"{poller.Servers.Count} servers";
        await env.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"opensips-mi dashboard: watching {servers}, polling every {poller.Options.Interval.TotalSeconds:0.###} s{(request.ReadOnly ? ", read-only" : string.Empty)}"));
        var open = access.TokenRequired && !access.TokenGenerated
            ? host.Address + "?token=<the token you gave>"
            : host.OpenAddress.ToString();
        await env.Out.WriteLineAsync($"open {open}");
        if (!listen.IsLoopback)
        {
            await env.Out.WriteLineAsync("note: listening beyond loopback over plain HTTP; whoever has the token can use the dashboard (put a TLS proxy in front of it on untrusted networks)");
        }

        await env.Out.WriteLineAsync("Ctrl+C stops");
        await env.Out.FlushAsync();
    }
}
