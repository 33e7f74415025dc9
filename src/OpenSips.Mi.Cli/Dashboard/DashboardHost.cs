using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenSips.Mi.Commands;
using OpenSips.Mi.Sip;

namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>How the dashboard serves: where, who may use it, whether actions are allowed, and the events it subscribes to.</summary>
internal sealed record DashboardOptions(ListenAddress Listen, DashboardAccess Access, bool ReadOnly, MiSubscriptionOptions EventOptions, IReadOnlyList<string> Events);

/// <summary>
/// The web side of the dashboard: ASP.NET Core (Kestrel, minimal APIs compiled by the request delegate generator, JSON by
/// source generation) serving the embedded page, a JSON API over the <see cref="FleetPoller"/>, a Server-Sent Events stream,
/// and the actions. Every request passes <see cref="GuardAsync"/> first: host check, access token, anti-forgery for POSTs.
/// </summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public const string CsrfHeader = "X-Dashboard-Csrf";
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Batch = TimeSpan.FromMilliseconds(200);
    private readonly FleetPoller _poller;
    private readonly DashboardOptions _options;
    private readonly string _csrf = DashboardAccess.NewToken();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Channel<bool>> _listeners = [];
    private readonly Dictionary<int, EventFeed> _feeds = [];
    private WebApplication? _app;
    private string _cookieName = "opensips_mi_dashboard";

    private DashboardHost(FleetPoller poller, DashboardOptions options)
    {
        _poller = poller;
        _options = options;
        _poller.Polled += _ => Notify();
    }

    /// <summary>The address to open (with <c>?token=</c> when the token was generated, so the printed link just works).</summary>
    public Uri OpenAddress { get; private set; } = null!;

    /// <summary>
    /// Cancelled when the web host is asked to stop: on SIGTERM (a service manager stopping the dashboard) and SIGINT, which
    /// ASP.NET Core's console lifetime catches, so the dashboard ends cleanly (unsubscribing) instead of ignoring them.
    /// </summary>
    public CancellationToken Stopping => _app?.Lifetime.ApplicationStopping ?? CancellationToken.None;

    /// <summary>The bound address, without any token.</summary>
    public Uri Address { get; private set; } = null!;

    public static async Task<DashboardHost> StartAsync(FleetPoller poller, DashboardOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poller);
        ArgumentNullException.ThrowIfNull(options);
        var host = new DashboardHost(poller, options);
        await host.StartWebAsync(cancellationToken);
        return host;
    }

    private async Task StartWebAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "opensips-mi-dashboard" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(new IPEndPoint(_options.Listen.Address, _options.Listen.Port));
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.Use(GuardAsync);
        MapAssets(app);
        MapApi(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new UsageException($"cannot listen on {_options.Listen.Address}:{_options.Listen.Port}: {ex.Message} (choose another --listen port, or 0 for any free one)");
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        var port = new Uri(bound).Port;
        _cookieName = "opensips_mi_dashboard_" + port.ToString(CultureInfo.InvariantCulture);
        var shownHost = _options.Listen.IsAny ? Dns.GetHostName() : new UriBuilder("http", _options.Listen.Address.ToString()).Host;
        Address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{shownHost}:{port}/"));
        OpenAddress = _options.Access.TokenGenerated ? new Uri(Address, "/?token=" + _options.Access.Token) : Address;
    }

    private static void MapAssets(WebApplication app)
    {
        app.MapGet("/", () => DashboardAssets.Result("index.html"));
        app.MapGet("/app.js", () => DashboardAssets.Result("app.js"));
        app.MapGet("/app.css", () => DashboardAssets.Result("app.css"));
        app.MapGet("/favicon.ico", () => Results.NoContent());
    }

    private void MapApi(WebApplication app)
    {
        app.MapGet("/api/session", () => Json(new SessionDto(
            _csrf, _options.ReadOnly, _poller.Options.Interval.TotalMilliseconds, _poller.Options.HistoryWindow.TotalMinutes, KeyFigures.ChartedSeries, _poller.Servers.Count),
            DashboardJsonContext.Default.SessionDto));
        app.MapGet("/api/fleet", () => Json(Fleet(), DashboardJsonContext.Default.FleetDto));
        app.MapGet("/api/servers/{id:int}", (int id) => WithServer(id, s => Json(ServerDto.From(s.Snapshot, Now), DashboardJsonContext.Default.ServerDto)));
        app.MapGet("/api/servers/{id:int}/sample", (int id) => WithServer(id, s => Json(Sample(s), DashboardJsonContext.Default.SampleDto)));
        app.MapGet("/api/servers/{id:int}/history", (int id, string? names) => WithServer(id, s => Json(History(s, names), DashboardJsonContext.Default.HistoryDto)));
        app.MapGet("/api/servers/{id:int}/events", (int id, long? since) => WithServer(id, s => Json(Feed(s).Since(since ?? 0), DashboardJsonContext.Default.EventsDto)));
        app.MapGet("/api/servers/{id:int}/contacts", (int id, string? aor, string? table, HttpContext context) => WithServerAsync(id, s => ContactsAsync(s, aor, table, context.RequestAborted)));
        app.MapGet("/api/servers/{id:int}/dialogs", (int id, HttpContext context) => WithServerAsync(id, s => DialogsAsync(s, context.RequestAborted)));
        app.MapGet("/api/stream", (int? server, HttpContext context) => StreamAsync(server, context));
        app.MapPost("/api/servers/{id:int}/notify", (int id, HttpContext context) => WithServerAsync(id, s => NotifyAsync(s, context)));
        app.MapPost("/api/servers/{id:int}/dialogs/end", (int id, HttpContext context) => WithServerAsync(id, s => EndDialogAsync(s, context)));
        app.MapPost("/api/servers/{id:int}/mi", (int id, HttpContext context) => WithServerAsync(id, s => MiConsoleAsync(s, context)));
    }

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private static IResult Json<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK) =>
        Results.Json(value, type, contentType: "application/json; charset=utf-8", statusCode: status);

    private static IResult Error(int status, string message) => Json(new ErrorDto(message), DashboardJsonContext.Default.ErrorDto, status);

    private IResult WithServer(int id, Func<ServerMonitor, IResult> body) =>
        _poller.Find(id) is { } server ? body(server) : Error(StatusCodes.Status404NotFound, $"no server {id}");

    private async Task<IResult> WithServerAsync(int id, Func<ServerMonitor, Task<IResult>> body)
    {
        if (_poller.Find(id) is not { } server)
        {
            return Error(StatusCodes.Status404NotFound, $"no server {id}");
        }

        try
        {
            return await body(server);
        }
        catch (MiCommandException ex)
        {
            return Error(StatusCodes.Status502BadGateway, $"error {ex.Error.Code}: {ex.Error.Message}" + (ex.Error.DataText is { } data ? $" ({data})" : string.Empty));
        }
        catch (Exception ex) when (FleetPoller.IsServerFailure(ex))
        {
            return Error(ex is MiTimeoutException ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway, server.Redact(FleetPoller.FailureText(ex)));
        }
        catch (ArgumentException ex)
        {
            return Error(StatusCodes.Status400BadRequest, ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message);
        }
        catch (JsonException)
        {
            return Error(StatusCodes.Status400BadRequest, "the request body is not the JSON expected");
        }
    }

    private FleetDto Fleet()
    {
        var now = Now;
        var stats = _poller.Stats;
        var servers = _poller.Servers.Select(s => s.Snapshot).ToList();
        servers.Sort(ServerSnapshot.CompareHealth);
        return new FleetDto(
            now.ToUnixTimeMilliseconds(),
            new CycleDto(stats.Cycles, stats.LastMilliseconds, stats.AverageMilliseconds, stats.MaxMilliseconds, stats.SkippedPolls),
            [.. servers.Select(s => ServerDto.From(s, now))]);
    }

    private static SampleDto Sample(ServerMonitor server)
    {
        var (values, at) = server.LatestStatistics;
        var snapshot = server.Snapshot;
        var synthetic = snapshot.Figures?.Synthetic().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) ?? [];
        return new SampleDto(server.Id, at?.ToUnixTimeMilliseconds() ?? 0, snapshot.SampleVersion, values, synthetic);
    }

    private static HistoryDto History(ServerMonitor server, string? names)
    {
        var wanted = (names ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).Take(32);
        var since = Now - server.History.Window;
        var series = new Dictionary<string, double[][]>(StringComparer.Ordinal);
        foreach (var name in wanted)
        {
            series[name] = [.. server.History.Points(name, since).Select(p => new double[] { p.TimeMs, p.Value })];
        }

        return new HistoryDto(server.Id, series);
    }

    private EventFeed Feed(ServerMonitor server)
    {
        EventFeed feed;
        lock (_gate)
        {
            if (!_feeds.TryGetValue(server.Id, out feed!))
            {
                feed = new EventFeed(server, _options.EventOptions, _options.Events);
                feed.Changed += Notify;
                _feeds.Add(server.Id, feed);
            }
        }

        feed.EnsureStarted();
        return feed;
    }

    private static async Task<IResult> ContactsAsync(ServerMonitor server, string? aor, string? table, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(aor))
        {
            return Error(StatusCodes.Status400BadRequest, "give the AOR to look up (e.g. alice, or alice@example.com when usrloc uses domains)");
        }

        var found = await server.Client.UlShowContactAsync(string.IsNullOrWhiteSpace(table) ? "location" : table.Trim(), aor.Trim(), cancellationToken);
        return Json(
            new ContactsDto(found.Aor, [.. found.Contacts.Select(c => new ContactDto(c.Contact, c.ExpiresText, c.QText, c.UserAgent, c.Received, c.Socket, c.CallId))]),
            DashboardJsonContext.Default.ContactsDto);
    }

    private static async Task<IResult> DialogsAsync(ServerMonitor server, CancellationToken cancellationToken)
    {
        var list = await server.Client.DlgListAsync(cancellationToken);
        return Json(
            new DialogsDto([.. list.Dialogs.Select(d => new DialogDto(d.Id, d.StateNumber, d.State.ToString(), d.FromUri, d.ToUri, d.CallId, d.TimeStart?.ToUnixTimeMilliseconds()))]),
            DashboardJsonContext.Default.DialogsDto);
    }

    private static async Task<IResult> NotifyAsync(ServerMonitor server, HttpContext context)
    {
        var request = await ReadAsync(context, DashboardJsonContext.Default.NotifyRequest);
        if (string.IsNullOrWhiteSpace(request?.Contact))
        {
            return Error(StatusCodes.Status400BadRequest, "give the contact URI to notify");
        }

        var phoneEvent = request.Event switch
        {
            "check-sync" => PhoneEvent.Custom("check-sync"),
            "reboot" => PhoneEvent.SnomReboot,
            _ => null,
        };
        if (phoneEvent is null)
        {
            return Error(StatusCodes.Status400BadRequest, "the event must be check-sync or reboot");
        }

        // Waits for the phone's final reply (up to tm's fr_timeout); the SIP helper validates the URI before sending.
        var reply = await server.Client.EventNotifyAsync(request.Contact, phoneEvent, null, null, context.RequestAborted);
        return Json(new SipReplyDto(reply.StatusCode, reply.ReasonPhrase), DashboardJsonContext.Default.SipReplyDto);
    }

    private static async Task<IResult> EndDialogAsync(ServerMonitor server, HttpContext context)
    {
        var request = await ReadAsync(context, DashboardJsonContext.Default.EndDialogRequest);
        if (string.IsNullOrWhiteSpace(request?.Id))
        {
            return Error(StatusCodes.Status400BadRequest, "give the dialog id to end");
        }

        await server.Client.DlgEndDlgAsync(request.Id, null, context.RequestAborted);
        return Json(new MiOutcomeDto(true, null, null, "dialog ended", null), DashboardJsonContext.Default.MiOutcomeDto);
    }

    private static async Task<IResult> MiConsoleAsync(ServerMonitor server, HttpContext context)
    {
        var request = await ReadAsync(context, DashboardJsonContext.Default.MiConsoleRequest);
        if (string.IsNullOrWhiteSpace(request?.Method))
        {
            return Error(StatusCodes.Status400BadRequest, "give the MI command to run, e.g. uptime");
        }

        var parameters = request.Params switch
        {
            null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => MiParams.None,
            { ValueKind: JsonValueKind.Object } named => MiParams.FromNamed(named.EnumerateObject().Select(p => new KeyValuePair<string, MiValue>(p.Name, MiValue.FromJson(p.Value)))),
            { ValueKind: JsonValueKind.Array } positional => MiParams.FromPositional(positional.EnumerateArray().Select(MiValue.FromJson)),
            _ => null,
        };
        if (parameters is null)
        {
            return Error(StatusCodes.Status400BadRequest, "the parameters must be a JSON object (named) or a JSON array (positional)");
        }

        var response = await server.Client.CommandAsync(request.Method.Trim(), parameters, null, context.RequestAborted);
        var outcome = response.IsSuccess
            ? new MiOutcomeDto(true, response.Result!.Value.Clone(), null, null, null)
            : new MiOutcomeDto(false, null, response.Error!.Code, response.Error.Message, response.Error.DataText);
        return Json(outcome, DashboardJsonContext.Default.MiOutcomeDto);
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
    {
        if (context.Request.ContentLength is > 65536)
        {
            throw new ArgumentException("the request body is too large");
        }

        return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
    }

    /// <summary>
    /// Server-Sent Events: <c>fleet</c> (every card) for the fleet page, or for one server <c>server</c> (its card), <c>sample</c>
    /// (its statistics, once per poll) and <c>mievent</c> (its live events). Sent when a poll ends (batched over 200 ms) and at
    /// least every 15 s.
    /// </summary>
    private async Task StreamAsync(int? serverId, HttpContext context)
    {
        var server = serverId is { } id ? _poller.Find(id) : null;
        if (serverId is not null && server is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var feed = server is null ? null : Feed(server);
        var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_gate)
        {
            _listeners.Add(signal);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = stop.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        try
        {
            long lastSample = -1;
            long lastEvent = 0;
            string? lastStatus = null;
            while (!token.IsCancellationRequested)
            {
                if (server is null)
                {
                    await SendAsync(response, "fleet", Fleet(), DashboardJsonContext.Default.FleetDto, token);
                }
                else
                {
                    var snapshot = server.Snapshot;
                    await SendAsync(response, "server", ServerDto.From(snapshot, Now), DashboardJsonContext.Default.ServerDto, token);
                    if (snapshot.SampleVersion != lastSample)
                    {
                        lastSample = snapshot.SampleVersion;
                        await SendAsync(response, "sample", Sample(server), DashboardJsonContext.Default.SampleDto, token);
                    }

                    var events = feed!.Since(lastEvent);
                    if (events.Seq != lastEvent || events.Status != lastStatus)
                    {
                        (lastEvent, lastStatus) = (events.Seq, events.Status);
                        await SendAsync(response, "events", events, DashboardJsonContext.Default.EventsDto, token);
                    }
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(token);
                wait.CancelAfter(KeepAlive);
                try
                {
                    await signal.Reader.ReadAsync(wait.Token);
                    await Task.Delay(Batch, token);
                    signal.Reader.TryRead(out _);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    // Nothing new for 15 s: send the state again, which also keeps proxies from closing the stream.
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The page went away.
        }
        finally
        {
            lock (_gate)
            {
                _listeners.Remove(signal);
            }
        }
    }

    private static async Task SendAsync<T>(HttpResponse response, string name, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(value, type);
        await response.WriteAsync($"event: {name}\ndata: {json}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private void Notify()
    {
        lock (_gate)
        {
            foreach (var listener in _listeners)
            {
                listener.Writer.TryWrite(true);
            }
        }
    }

    /// <summary>
    /// Runs before every endpoint. Sets the security headers; on loopback without a token refuses other Host names (a web
    /// page elsewhere cannot reach the dashboard through DNS rebinding); with a token requires it (cookie, bearer header, or
    /// <c>?token=</c> once, which sets the cookie and redirects to the same page without it); for anything but GET requires
    /// the anti-forgery header from <c>/api/session</c>, a same-origin request, and no <c>--read-only</c>.
    /// </summary>
    private async Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.CacheControl = "no-store";

        var access = _options.Access;
        if (!access.TokenRequired && !IsLocalHost(request.Host.Host))
        {
            await Refuse(context, StatusCodes.Status421MisdirectedRequest, "this dashboard answers only to localhost and loopback addresses");
            return;
        }

        if (access.TokenRequired)
        {
            var bearer = request.Headers.Authorization.ToString();
            var presented = request.Cookies[_cookieName] ?? (bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer["Bearer ".Length..] : null);
            if (!access.Matches(presented))
            {
                if (HttpMethods.IsGet(request.Method) && access.Matches(request.Query["token"].ToString()))
                {
                    context.Response.Cookies.Append(_cookieName, access.Token!, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
                    context.Response.Redirect(request.PathBase + request.Path);
                    return;
                }

                await Refuse(context, StatusCodes.Status401Unauthorized, "this dashboard needs its access token: open the address 'opensips-mi dashboard' printed (it ends with ?token=…), or send 'Authorization: Bearer TOKEN'");
                return;
            }
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            var site = request.Headers["Sec-Fetch-Site"].ToString();
            var origin = request.Headers.Origin.ToString();
            var sameOrigin = (site.Length == 0 || site == "same-origin")
                && (origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase));
            if (!sameOrigin || !DashboardAccess.SameSecret(_csrf, request.Headers[CsrfHeader].ToString()))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "refused: actions need the page's anti-forgery token and must come from the dashboard's own page");
                return;
            }

            if (_options.ReadOnly)
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "the dashboard runs with --read-only: actions are turned off");
                return;
            }
        }

        await next(context);
    }

    private bool IsLocalHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(_options.Listen.Address)));

    private static async Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(bound.Token);
            await _app.DisposeAsync();
        }

        EventFeed[] feeds;
        lock (_gate)
        {
            feeds = [.. _feeds.Values];
            _feeds.Clear();
        }

        foreach (var feed in feeds)
        {
            await feed.DisposeAsync();
        }

        _stopping.Dispose();
    }
}
