using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>
/// Typed commands of the OpenSIPS core: <c>uptime</c>, <c>version</c>, <c>which</c>, <c>ps</c>, <c>pwd</c>, <c>arg</c>,
/// <c>log_level</c>, <c>reload_routes</c>, memory dumps, <c>list_tcp_conns</c>, <c>shm_check</c>, the cache commands and the
/// Event Interface commands. Every method throws <see cref="MiCommandException"/> when OpenSIPS answers with an error.
/// </summary>
/// <example>
/// <code>
/// using OpenSips.Mi;
/// using OpenSips.Mi.Commands;
///
/// await using var mi = MiClient.Connect("udp://127.0.0.1:8809");
/// var uptime = await mi.UptimeAsync();
/// Console.WriteLine($"up for {uptime.UpTime} since {uptime.UpSince}");
/// </code>
/// </example>
public static class CoreCommands
{
    /// <summary>Runs <c>uptime</c>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The server's clock, start time and uptime.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<UptimeInfo> UptimeAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        UptimeInfo.Read(MiReply.RequireObject(await MiReply.RunAsync(client, "uptime", MiParams.None, cancellationToken).ConfigureAwait(false), "uptime"));

    /// <summary>Runs <c>version</c>; the client learns its <see cref="MiClient.Dialect"/> from the answer.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The server string and the parsed version.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<VersionInfo> VersionAsync(this MiClient client, CancellationToken cancellationToken = default)
    {
        var info = VersionInfo.Read(MiReply.RequireObject(await MiReply.RunAsync(client, "version", MiParams.None, cancellationToken).ConfigureAwait(false), "version"));
        if (info.Version is { Major: >= 3 } v)
        {
            client.Dialect = v.Major >= 4 ? MiDialect.OpenSips4 : MiDialect.OpenSips3;
        }

        return info;
    }

    /// <summary>
    /// Runs <c>which</c>: the MI commands this OpenSIPS exports, under the names it lists (<c>usrloc:dump</c> on 4.0,
    /// <c>ul_dump</c> on 3.x; <see cref="MiCommandCatalog.Find"/> gives the other name). The client learns its
    /// <see cref="MiClient.Dialect"/> from the answer.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The command names.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<string>> WhichAsync(this MiClient client, CancellationToken cancellationToken = default)
    {
        var result = await MiReply.RunAsync(client, "which", MiParams.None, cancellationToken).ConfigureAwait(false);
        var names = MiReply.Strings(result);
        if (MiCommandCatalog.DialectOf(names) is not MiDialect.Unknown and var dialect)
        {
            client.Dialect = dialect;
        }

        return new MiList<string>(names, result);
    }

    /// <summary>
    /// Runs <c>which</c> for one command: its parameter recipes (each recipe is a list of parameter names). A 3.x or 4.0
    /// name of a catalogue command is sent as the server's dialect names it, so <c>domain_dump</c> works on 4.0 too.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="command">The command, for example <c>log_level</c> or <c>core:log_level</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One entry per recipe; an empty entry is the recipe without parameters.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "unknown MI command").</exception>
    public static async Task<MiList<IReadOnlyList<string>>> WhichAsync(this MiClient client, string command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(command);
        var name = MiCommandCatalog.NameFor(command, client.Dialect);
        var response = await MiReply.SendAsync(client, "which", MiParams.Positional(name), cancellationToken).ConfigureAwait(false);
        if (response.Error is { Code: 404 } && MiCommandCatalog.Find(name)?.OtherName(name) is { } other)
        {
            // "unknown MI command": the server speaks the other dialect (or was never asked which one it speaks).
            var retry = await MiReply.SendAsync(client, "which", MiParams.Positional(other), cancellationToken).ConfigureAwait(false);
            if (retry.IsSuccess)
            {
                client.Dialect = other.Contains(':', StringComparison.Ordinal) ? MiDialect.OpenSips4 : MiDialect.OpenSips3;
                response = retry;
            }
        }

        var result = response.GetResult();
        var recipes = result.ValueKind == JsonValueKind.Array ? result.EnumerateArray().Select(MiReply.Strings).ToArray() : [];
        return new MiList<IReadOnlyList<string>>(recipes, result);
    }

    /// <summary>Runs <c>ps</c>: the OpenSIPS processes.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The processes.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<ProcessInfo>> PsAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiList<ProcessInfo>.Read(await MiReply.RunAsync(client, "ps", MiParams.None, cancellationToken).ConfigureAwait(false), "Processes", ProcessInfo.Read);

    /// <summary>Runs <c>pwd</c>: the working directory of OpenSIPS.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The directory (the <c>WD</c> member), or <see langword="null"/> when absent.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<string?> PwdAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiReply.String(await MiReply.RunAsync(client, "pwd", MiParams.None, cancellationToken).ConfigureAwait(false), "WD");

    /// <summary>Runs <c>arg</c>: the command line OpenSIPS was started with.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The arguments, program name first.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<string>> ArgAsync(this MiClient client, CancellationToken cancellationToken = default)
    {
        var result = await MiReply.RunAsync(client, "arg", MiParams.None, cancellationToken).ConfigureAwait(false);
        return new MiList<string>(MiReply.Strings(result), result);
    }

    /// <summary>Runs <c>log_level</c> without parameters: the log level of every process.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One entry per process.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<ProcessLogLevel>> GetLogLevelsAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiList<ProcessLogLevel>.Read(await MiReply.RunAsync(client, "log_level", MiParams.None, cancellationToken).ConfigureAwait(false), "Processes", ProcessLogLevel.Read);

    /// <summary>Runs <c>log_level</c> with a level: sets the global level, or one process's level when <paramref name="pid"/> is given.</summary>
    /// <param name="client">The client.</param>
    /// <param name="level">The new level (-3 alert … 4 debug).</param>
    /// <param name="pid">The PID of one OpenSIPS process (see <see cref="PsAsync"/>), or <see langword="null"/> for the global level.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The level OpenSIPS reports as set.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (-32602 with data "Bad PID" for an unknown PID).</exception>
    /// <example><code>await mi.SetLogLevelAsync(3, pid: 1234);</code></example>
    public static async Task<int> SetLogLevelAsync(this MiClient client, int level, int? pid = null, CancellationToken cancellationToken = default)
    {
        var parameters = pid is { } p ? MiParams.Named(("level", level), ("pid", p)) : MiParams.Named(("level", level));
        var result = await MiReply.RunAsync(client, "log_level", parameters, cancellationToken).ConfigureAwait(false);
        // 3.6.8 answers {"New global log level":n}, or {"Log level":n} for one process.
        return (pid is null ? MiReply.Int32(result, "New global log level") : MiReply.Int32(result, "Log level") ?? MiReply.Int32(result, "New log level")) ?? level;
    }

    /// <summary>Runs <c>reload_routes</c>: reloads the script routes.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (500 "reload failed").</exception>
    public static Task ReloadRoutesAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "reload_routes", MiParams.None, cancellationToken);

    /// <summary>Runs <c>mem_pkg_dump</c>: makes one process write its private memory status to the log.</summary>
    /// <param name="client">The client.</param>
    /// <param name="pid">The process's PID.</param>
    /// <param name="logLevel">The level to log at, or <see langword="null"/> for the server's default.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Process not found").</exception>
    public static Task MemPkgDumpAsync(this MiClient client, int pid, int? logLevel = null, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "mem_pkg_dump", logLevel is { } l ? MiParams.Positional(pid, l) : MiParams.Positional(pid), cancellationToken);

    /// <summary>Runs <c>mem_shm_dump</c>: writes the shared memory status to the log.</summary>
    /// <param name="client">The client.</param>
    /// <param name="logLevel">The level to log at, or <see langword="null"/> for the server's default.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task MemShmDumpAsync(this MiClient client, int? logLevel = null, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "mem_shm_dump", logLevel is { } l ? MiParams.Positional(l) : MiParams.None, cancellationToken);

    /// <summary>
    /// Runs <c>shm_check</c>: a full scan of the shared memory pool, which only OpenSIPS running the q_malloc debug
    /// allocator performs (OpenSIPS aborts if the pool is corrupt). Any other allocator (the default) answers
    /// -32000 "Command handler returned null", and builds without the debug allocator do not have the command: both
    /// give a result whose <see cref="ShmCheckResult.TotalFragments"/> is <see langword="null"/>.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The number of fragments, or <see langword="null"/> when the server does not perform the check.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<ShmCheckResult> ShmCheckAsync(this MiClient client, CancellationToken cancellationToken = default)
    {
        var response = await MiReply.SendAsync(client, "shm_check", MiParams.None, cancellationToken).ConfigureAwait(false);

        // Without the q_malloc debug allocator in use the handler returns nothing, which OpenSIPS reports as
        // -32000 "Server error" with data "Command handler returned null"; builds without it do not export the command.
        if (response.Error is { Code: -32000, DataText: "Command handler returned null" } or { Code: MiCommandRouter.MethodNotFound })
        {
            return new ShmCheckResult(null, default);
        }

        var result = response.GetResult();
        return new ShmCheckResult(MiReply.Int64(result, "total_fragments"), result);
    }

    /// <summary>Runs <c>list_tcp_conns</c>: the open TCP-based connections.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The connections (empty when TCP is disabled).</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<TcpConnectionInfo>> ListTcpConnsAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiList<TcpConnectionInfo>.Read(await MiReply.RunAsync(client, "list_tcp_conns", MiParams.None, cancellationToken).ConfigureAwait(false), "Connections", TcpConnectionInfo.Read);

    /// <summary>Runs <c>cache_store</c>: stores a string in a cachedb system.</summary>
    /// <param name="client">The client.</param>
    /// <param name="system">The cachedb system, for example <c>local</c>.</param>
    /// <param name="attribute">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="expire">How long the value lives, in whole seconds; <see langword="null"/> for no expiry.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (500 "Cache store command failed").</exception>
    public static Task CacheStoreAsync(this MiClient client, string system, string attribute, string value, TimeSpan? expire = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(system);
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        ArgumentNullException.ThrowIfNull(value);
        var parameters = expire is { } e
            ? MiParams.Positional(system, attribute, value, checked((int)Math.Ceiling(e.TotalSeconds)))
            : MiParams.Positional(system, attribute, value);
        return MiReply.RunOkAsync(client, "cache_store", parameters, cancellationToken);
    }

    /// <summary>Runs <c>cache_fetch</c>: reads a value from a cachedb system.</summary>
    /// <param name="client">The client.</param>
    /// <param name="system">The cachedb system.</param>
    /// <param name="attribute">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The stored value.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (400 "Value not found" when the key is absent).</exception>
    public static async Task<string?> CacheFetchAsync(this MiClient client, string system, string attribute, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(system);
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        var result = await MiReply.RunAsync(client, "cache_fetch", MiParams.Positional(system, attribute), cancellationToken).ConfigureAwait(false);
        return MiReply.String(result, "value");
    }

    /// <summary>Runs <c>cache_remove</c>: deletes a key from a cachedb system.</summary>
    /// <param name="client">The client.</param>
    /// <param name="system">The cachedb system.</param>
    /// <param name="attribute">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task CacheRemoveAsync(this MiClient client, string system, string attribute, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(system);
        ArgumentException.ThrowIfNullOrEmpty(attribute);
        return MiReply.RunOkAsync(client, "cache_remove", MiParams.Positional(system, attribute), cancellationToken);
    }

    /// <summary>Runs <c>events_list</c>: the events known to the Event Interface.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The events.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<EventInfo>> EventsListAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiList<EventInfo>.Read(await MiReply.RunAsync(client, "events_list", MiParams.None, cancellationToken).ConfigureAwait(false), "Events", EventInfo.Read);

    /// <summary>Runs <c>subscribers_list</c>: the Event Interface subscribers, for all events or one.</summary>
    /// <param name="client">The client.</param>
    /// <param name="eventName">One event (for example <c>E_UL_AOR_INSERT</c>), or <see langword="null"/> for all.</param>
    /// <param name="socket">With <paramref name="eventName"/>: one subscriber socket, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>
    /// The events that have subscribers, each with its subscribers (empty when the one event asked for has none: OpenSIPS
    /// answers <c>{"Event":{}}</c>; with a socket, the one subscriber OpenSIPS prints as <c>"Subscriber"</c>).
    /// </returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Event not published", 404 "Subscriber does not exist").</exception>
    public static async Task<MiList<EventSubscribers>> SubscribersListAsync(this MiClient client, string? eventName = null, string? socket = null, CancellationToken cancellationToken = default)
    {
        if (socket is not null && eventName is null)
        {
            throw new ArgumentException("A subscriber socket can only be given with an event name.", nameof(socket));
        }

        var parameters = eventName is null ? MiParams.None
            : socket is null ? MiParams.Positional(eventName)
            : MiParams.Positional(eventName, socket);
        var result = await MiReply.RunAsync(client, "subscribers_list", parameters, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<EventSubscribers> events = MiReply.TryMember(result, "Event", out var single)
            ? single.ValueKind == JsonValueKind.Object && single.EnumerateObject().Any() ? [EventSubscribers.Read(single)] : []
            : MiReply.List(result, "Events", EventSubscribers.Read);
        return new MiList<EventSubscribers>(events, result);
    }

    /// <summary>Runs <c>event_subscribe</c>: subscribes a socket to an event (an expiry of zero unsubscribes).</summary>
    /// <param name="client">The client.</param>
    /// <param name="eventName">The event, for example <c>E_UL_AOR_INSERT</c>.</param>
    /// <param name="socket">The subscriber, for example <c>udp:127.0.0.1:9999</c> or <c>tcp:127.0.0.1:9998/method</c>.</param>
    /// <param name="expire">The subscription lifetime in whole seconds; <see langword="null"/> for OpenSIPS's default (3600 s).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (400 "Bad parameter value").</exception>
    public static Task EventSubscribeAsync(this MiClient client, string eventName, string socket, TimeSpan? expire = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentException.ThrowIfNullOrEmpty(socket);
        var parameters = expire is { } e
            ? MiParams.Positional(eventName, socket, checked((int)Math.Ceiling(e.TotalSeconds)))
            : MiParams.Positional(eventName, socket);
        return MiReply.RunOkAsync(client, "event_subscribe", parameters, cancellationToken);
    }

    /// <summary>
    /// Runs <c>raise_event</c>. The parameters travel as one JSON object text (the form OpenSIPS turns into named event
    /// parameters); an array would give unnamed parameters.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="eventName">The event, for example <c>E_CORE_THRESHOLD</c>.</param>
    /// <param name="parameters">The event's named parameters, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (480 "Temporarily Unavailable" when nobody subscribed).</exception>
    /// <example><code>await mi.RaiseEventAsync("E_CORE_THRESHOLD", new Dictionary&lt;string, MiValue&gt; { ["source"] = "billing", ["time"] = 123 });</code></example>
    public static Task RaiseEventAsync(this MiClient client, string eventName, IEnumerable<KeyValuePair<string, MiValue>>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var p = parameters is null
            ? MiParams.Named(("event", eventName))
            : MiParams.Named(("event", eventName), ("params", MiValue.Object(parameters).ToJsonString()));
        return MiReply.RunOkAsync(client, "raise_event", p, cancellationToken);
    }
}

/// <summary>The <c>uptime</c> reply: <c>{"Now","Up since","Up time":"N [sec]"}</c>.</summary>
/// <param name="Now">The server's clock, parsed from <paramref name="NowText"/> (server local time).</param>
/// <param name="NowText">The <c>Now</c> text as sent, for example <c>Thu Nov 26 16:28:24 2026</c>.</param>
/// <param name="UpSince">The start time, parsed from <paramref name="UpSinceText"/> (server local time).</param>
/// <param name="UpSinceText">The <c>Up since</c> text as sent.</param>
/// <param name="UpTime">The uptime, parsed from <paramref name="UpTimeText"/>.</param>
/// <param name="UpTimeText">The <c>Up time</c> text as sent, for example <c>3430 [sec]</c>.</param>
/// <param name="Raw">The JSON result.</param>
public sealed record UptimeInfo(DateTime? Now, string? NowText, DateTime? UpSince, string? UpSinceText, TimeSpan? UpTime, string? UpTimeText, JsonElement Raw)
{
    internal static UptimeInfo Read(JsonElement e)
    {
        var now = MiReply.String(e, "Now");
        var since = MiReply.String(e, "Up since");
        var up = MiReply.String(e, "Up time");
        return new(MiReply.CTime(now), now, MiReply.CTime(since), since, MiReply.Seconds(up), up, e);
    }
}

/// <summary>The <c>version</c> reply: <c>{"Server":"OpenSIPS (3.6.8 (x86_64/linux))"}</c>.</summary>
/// <param name="Server">The server string.</param>
/// <param name="Version">The version number parsed from <paramref name="Server"/>, for example 3.6.8.</param>
/// <param name="Revision">The revision member when the command was called with <c>revision</c> (any member other than <c>Server</c>).</param>
/// <param name="Raw">The JSON result.</param>
public sealed record VersionInfo(string? Server, Version? Version, string? Revision, JsonElement Raw)
{
    internal static VersionInfo Read(JsonElement e)
    {
        var server = MiReply.String(e, "Server");
        Version? version = null;
        if (server is not null)
        {
            var open = server.IndexOf('(', StringComparison.Ordinal);
            var start = open + 1;
            var end = start;
            while (end < server.Length && (char.IsAsciiDigit(server[end]) || server[end] == '.'))
            {
                end++;
            }

            if (open >= 0 && end > start)
            {
                _ = Version.TryParse(server[start..end], out version);
            }
        }

        var revision = e.EnumerateObject().Where(p => p.Name != "Server").Select(p => MiReply.AsText(p.Value)).FirstOrDefault();
        return new(server, version, revision, e);
    }
}

/// <summary>One entry of the <c>ps</c> reply.</summary>
/// <param name="Id">OpenSIPS's process index.</param>
/// <param name="Pid">The operating system PID.</param>
/// <param name="Type">What the process does, for example <c>MI Datagram</c> or <c>SIP receiver udp:127.0.0.1:5060</c>.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record ProcessInfo(int? Id, int? Pid, string? Type, JsonElement Raw)
{
    internal static ProcessInfo Read(JsonElement e) => new(MiReply.Int32(e, "ID"), MiReply.Int32(e, "PID"), MiReply.String(e, "Type"), e);
}

/// <summary>One entry of the <c>log_level</c> reply.</summary>
/// <param name="Pid">The operating system PID.</param>
/// <param name="LogLevel">The process's log level.</param>
/// <param name="Type">What the process does.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record ProcessLogLevel(int? Pid, int? LogLevel, string? Type, JsonElement Raw)
{
    internal static ProcessLogLevel Read(JsonElement e) => new(MiReply.Int32(e, "PID"), MiReply.Int32(e, "Log level"), MiReply.String(e, "Type"), e);
}

/// <summary>The <c>shm_check</c> reply.</summary>
/// <param name="TotalFragments">The number of fragments scanned, or <see langword="null"/> when the server does not run the q_malloc debug allocator.</param>
/// <param name="Raw">The JSON result (undefined when the server did not perform the check).</param>
public sealed record ShmCheckResult(long? TotalFragments, JsonElement Raw);

/// <summary>One entry of the <c>list_tcp_conns</c> reply.</summary>
/// <param name="Id">The connection id.</param>
/// <param name="Type">The protocol, for example <c>tcp</c>, <c>tls</c>, <c>ws</c>.</param>
/// <param name="State">The connection state number.</param>
/// <param name="Remote">The remote <c>ip:port</c>.</param>
/// <param name="Local">The local <c>ip:port</c>.</param>
/// <param name="Lifetime">When the connection expires, parsed from <paramref name="LifetimeText"/> (server local time).</param>
/// <param name="LifetimeText">The <c>Lifetime</c> member as text.</param>
/// <param name="AliasPorts">The <c>Alias port</c> members (OpenSIPS repeats the name once per alias).</param>
/// <param name="Raw">The JSON element.</param>
public sealed record TcpConnectionInfo(long? Id, string? Type, long? State, string? Remote, string? Local, DateTime? Lifetime, string? LifetimeText, IReadOnlyList<int> AliasPorts, JsonElement Raw)
{
    internal static TcpConnectionInfo Read(JsonElement e)
    {
        var lifetime = MiReply.String(e, "Lifetime");
        var aliases = e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject().Where(p => p.Name == "Alias port").Select(p => (int)(MiReply.AsInt64(p.Value) ?? 0)).ToArray()
            : [];
        return new(MiReply.Int64(e, "ID"), MiReply.String(e, "Type"), MiReply.Int64(e, "State"), MiReply.String(e, "Remote"), MiReply.String(e, "Local"),
            MiReply.IsoLocal(lifetime), lifetime, aliases, e);
    }
}

/// <summary>One entry of the <c>events_list</c> reply.</summary>
/// <param name="Name">The event name, for example <c>E_UL_AOR_INSERT</c>.</param>
/// <param name="Id">The event id.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record EventInfo(string? Name, int? Id, JsonElement Raw)
{
    internal static EventInfo Read(JsonElement e) => new(MiReply.String(e, "name"), MiReply.Int32(e, "id"), e);
}

/// <summary>
/// One event of the <c>subscribers_list</c> reply with its subscribers: <c>{"name","id","Subscribers":[…]}</c>, or
/// <c>{"name","id","Subscriber":{…}}</c> when one socket was asked for.
/// </summary>
/// <param name="Name">The event name.</param>
/// <param name="Id">The event id.</param>
/// <param name="Subscribers">The subscribers.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record EventSubscribers(string? Name, int? Id, IReadOnlyList<EventSubscriber> Subscribers, JsonElement Raw)
{
    internal static EventSubscribers Read(JsonElement e) =>
        new(MiReply.String(e, "name"), MiReply.Int32(e, "id"),
            MiReply.TryMember(e, "Subscriber", out var one) && one.ValueKind == JsonValueKind.Object
                ? [EventSubscriber.Read(one)]
                : MiReply.List(e, "Subscribers", EventSubscriber.Read),
            e);
}

/// <summary>One subscriber of an event: <c>{"socket","expire","ttl"}</c>.</summary>
/// <param name="Socket">The subscriber socket, for example <c>udp:127.0.0.1:9999</c>.</param>
/// <param name="Expire">The subscription's lifetime in seconds, or <see langword="null"/> when OpenSIPS sent text (<c>never</c>).</param>
/// <param name="ExpireText">The <c>expire</c> member as text.</param>
/// <param name="Ttl">The seconds left, or <see langword="null"/> when OpenSIPS sent text (<c>expired</c>).</param>
/// <param name="TtlText">The <c>ttl</c> member as text.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record EventSubscriber(string? Socket, long? Expire, string? ExpireText, long? Ttl, string? TtlText, JsonElement Raw)
{
    /// <summary>True when OpenSIPS reports the subscription as expired (<c>"ttl":"expired"</c>).</summary>
    public bool IsExpired => string.Equals(TtlText, "expired", StringComparison.OrdinalIgnoreCase);

    internal static EventSubscriber Read(JsonElement e) =>
        new(MiReply.String(e, "socket"), MiReply.Int64(e, "expire"), MiReply.String(e, "expire"), MiReply.Int64(e, "ttl"), MiReply.String(e, "ttl"), e);
}
