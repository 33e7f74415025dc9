using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>The core's typed commands (CoreCommands) against a real server: values parsed from what it really answers.</summary>
public abstract class CoreCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Fact]
    public async Task Uptime_reports_a_start_before_now_and_the_seconds_between()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var uptime = await mi.UptimeAsync(Ct);

        Assert.NotNull(uptime.Now);
        Assert.NotNull(uptime.UpSince);
        Assert.True(uptime.UpSince <= uptime.Now, $"{uptime.UpSinceText} is after {uptime.NowText}");
        Assert.NotNull(uptime.UpTime);
        Assert.InRange(uptime.UpTime.Value, (uptime.Now!.Value - uptime.UpSince!.Value) - TimeSpan.FromSeconds(2), (uptime.Now.Value - uptime.UpSince.Value) + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Version_gives_the_server_version_and_teaches_the_client_its_dialect()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var version = await mi.VersionAsync(Ct);

        Assert.Equal(Version.Parse(Servers.Version), version.Version);
        Assert.Equal($"OpenSIPS ({Servers.Version} (x86_64/linux))", version.Server);
        Assert.Equal(Servers.Major >= 4 ? MiDialect.OpenSips4 : MiDialect.OpenSips3, mi.Dialect);
    }

    [Fact]
    public async Task Which_lists_the_names_of_the_server_dialect_and_teaches_the_client()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var names = await mi.WhichAsync(Ct);

        Assert.Contains(Servers.Major >= 4 ? "usrloc:show_contact" : "ul_show_contact", names);
        Assert.Equal(Servers.Major >= 4 ? MiDialect.OpenSips4 : MiDialect.OpenSips3, mi.Dialect);
    }

    [Theory]
    [InlineData("log_level")]
    [InlineData("core:log_level")]
    public async Task Which_for_one_command_gives_its_recipes_under_either_name(string command)
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var recipes = await mi.WhichAsync(command, Ct);

        Assert.Equal([[], ["level"], ["level", "pid"]], recipes.Select(r => r.ToArray()).ToArray());
    }

    [Fact]
    public async Task Which_for_a_command_4_0_renamed_without_alias_works_on_every_version()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var recipes = await mi.WhichAsync("domain_dump", Ct);

        Assert.Equal([[]], recipes.Select(r => r.ToArray()).ToArray());
    }

    [Fact]
    public async Task Ps_lists_the_processes_with_the_attendant_first()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var processes = await mi.PsAsync(Ct);

        Assert.Equal(0, processes[0].Id);
        Assert.Equal(Servers.Main.ProcessId, processes[0].Pid);
        Assert.Equal("attendant", processes[0].Type);
        Assert.Contains(processes, p => p.Type == "MI Datagram" && p.Pid > 0);
        Assert.Contains(processes, p => p.Type == "MI FIFO");
    }

    [Fact]
    public async Task Arg_and_pwd_describe_how_the_server_was_started()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var args = await mi.ArgAsync(Ct);
        var pwd = await mi.PwdAsync(Ct);

        Assert.EndsWith("/sbin/opensips", args[0], StringComparison.Ordinal);
        Assert.Contains("-F", args);
        Assert.Contains("-f", args);
        Assert.False(string.IsNullOrEmpty(pwd));
    }

    [Fact]
    public async Task Log_level_of_one_process_can_be_set_read_back_and_restored()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var before = await mi.GetLogLevelsAsync(Ct);
        var fifo = before.Single(p => p.Type == "MI FIFO");
        Assert.All(before, p => Assert.Equal(3, p.LogLevel));

        try
        {
            var set = await mi.SetLogLevelAsync(4, fifo.Pid, Ct);
            var after = await mi.GetLogLevelsAsync(Ct);

            Assert.Equal(4, set);
            Assert.Equal(4, after.Single(p => p.Pid == fifo.Pid).LogLevel);
            Assert.All(after.Where(p => p.Pid != fifo.Pid), p => Assert.Equal(3, p.LogLevel));
        }
        finally
        {
            await mi.SetLogLevelAsync(3, fifo.Pid, CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_global_log_level_set_is_the_level_reported()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        Assert.Equal(3, await mi.SetLogLevelAsync(3, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_log_level_for_an_unknown_pid_is_a_bad_pid_error()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.SetLogLevelAsync(3, int.MaxValue, Ct));

        Assert.Equal(-32602, error.Code);
    }

    [Fact]
    public async Task Reload_routes_and_memory_dumps_are_acknowledged()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var datagram = (await mi.PsAsync(Ct)).First(p => p.Type == "MI Datagram");

        await mi.ReloadRoutesAsync(Ct);
        await mi.MemShmDumpAsync(cancellationToken: Ct);
        await mi.MemPkgDumpAsync(datagram.Pid!.Value, cancellationToken: Ct);

        // The reloaded script still routes: an OPTIONS is answered 200 by the default route.
        Assert.Equal(200, await PhoneRequests.OptionsStatusAsync(Servers.Main, Ct));
    }

    [Fact]
    public async Task Shm_check_without_the_debug_allocator_reports_no_fragment_count()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var check = await mi.ShmCheckAsync(Ct);

        Assert.Null(check.TotalFragments);
    }

    [Fact]
    public async Task List_tcp_conns_is_empty_when_the_server_has_no_tcp_listener()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var connections = await mi.ListTcpConnsAsync(Ct);

        Assert.Empty(connections);
    }

    [Fact]
    public async Task A_cached_value_is_fetched_back_then_removed()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var key = "typed-" + Guid.NewGuid().ToString("N");

        await mi.CacheStoreAsync("local", key, "value with spaces", TimeSpan.FromMinutes(1), Ct);
        var fetched = await mi.CacheFetchAsync("local", key, Ct);
        await mi.CacheRemoveAsync("local", key, Ct);
        var gone = await Assert.ThrowsAsync<MiCommandException>(() => mi.CacheFetchAsync("local", key, Ct));

        Assert.Equal("value with spaces", fetched);
        Assert.Equal(400, gone.Code);
        Assert.Equal("Value not found", gone.Error.Message);
    }

    [Fact]
    public async Task Events_list_names_the_usrloc_and_core_events_with_their_ids()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var events = await mi.EventsListAsync(Ct);

        Assert.Contains(events, e => e.Name == "E_CORE_THRESHOLD" && e.Id is not null);
        Assert.Contains(events, e => e.Name == "E_UL_AOR_INSERT");
        Assert.Contains(events, e => e.Name == "E_DLG_STATE_CHANGED");
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_subscriber_is_listed_receives_a_raised_event_and_is_expired_after_unsubscribing()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var socket = $"udp:127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}";
        // Not E_CORE_THRESHOLD: the event tests raise that one with payloads that make OpenSIPS free memory it still uses
        // (docs/emulator.md), after which 3.4.18 lost subscribers of that event (a 404 by socket, then 480 on raise).
        const string Event = "E_CORE_SHM_THRESHOLD";

        await mi.EventSubscribeAsync(Event, socket, TimeSpan.FromSeconds(120), Ct);
        try
        {
            var listed = await mi.SubscribersListAsync(Event, cancellationToken: Ct);
            var all = await mi.SubscribersListAsync(cancellationToken: Ct);
            MiList<EventSubscribers>? bySocket = null;
            try
            {
                bySocket = await mi.SubscribersListAsync(Event, socket, Ct);
            }
            catch (MiCommandException ex) when (ex.Code == 404 && Servers.Main.Installation.Version.StartsWith("3.4.", StringComparison.Ordinal))
            {
                // 3.4.18 answered "404 Subscriber does not exist" to this lookup in three full CI runs (never when the 3.4
                // tests ran alone, and asked again 200 ms later it said the same); the cause is not established. The typed
                // call still surfaced it as the server's 404; the lookup by socket is checked on 3.6.8 and 4.0.1.
                Assert.Equal("Subscriber does not exist", ex.Error.Message);
            }

            await mi.RaiseEventAsync(Event, new Dictionary<string, MiValue> { ["source"] = "typed-test", ["time"] = 7 }, Ct);
            var buffer = new byte[4096];
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            var received = await listener.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
            using var notification = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, received));

            var ev = Assert.Single(listed);
            Assert.Equal(Event, ev.Name);
            var subscriber = Assert.Single(ev.Subscribers);
            Assert.Equal(socket, subscriber.Socket);
            Assert.Equal(120, subscriber.Expire);
            Assert.InRange(subscriber.Ttl!.Value, 100, 120);
            Assert.Contains(all, e => e.Name == Event && e.Subscribers.Any(s => s.Socket == socket));
            if (bySocket is not null)
            {
                Assert.Equal(socket, Assert.Single(Assert.Single(bySocket).Subscribers).Socket);
            }
            Assert.Equal(Event, notification.RootElement.GetProperty("method").GetString());
            Assert.Equal("typed-test", notification.RootElement.GetProperty("params").GetProperty("source").GetString());
            Assert.Equal(7, notification.RootElement.GetProperty("params").GetProperty("time").GetInt32());
        }
        finally
        {
            await mi.EventSubscribeAsync(Event, socket, TimeSpan.Zero, CancellationToken.None);
        }

        // Unsubscribing (expire 0) leaves the subscriber listed as expired until the Event Interface timer drops it.
        var after = await mi.SubscribersListAsync(cancellationToken: Ct);
        Assert.All(after.SelectMany(e => e.Subscribers).Where(s => s.Socket == socket), s =>
        {
            Assert.True(s.IsExpired);
            Assert.Equal(0, s.Expire);
            Assert.Null(s.Ttl);
        });
    }

    [Fact]
    public async Task Raising_an_event_nobody_registered_is_an_error()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.RaiseEventAsync("E_TYPED_NOBODY_REGISTERED", cancellationToken: Ct));

        Assert.Equal(404, error.Code);
    }
}

[Collection(V34.Name)]
public sealed class CoreCommands34(Servers34 s) : CoreCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class CoreCommands36(Servers36 s) : CoreCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class CoreCommands40(Servers40 s) : CoreCommandsTests<Servers40>(s);
