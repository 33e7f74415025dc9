using OpenSips.Mi.Commands;
using OpenSips.Mi.Tests.Support;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Commands;

public sealed class CoreCommandsTests
{
    [Fact]
    public async Task Uptime_parses_the_emulators_clock_and_duration()
    {
        await using var s = await EmulatorSession.StartAsync();
        var uptime = await s.Client.UptimeAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(uptime.Now);
        Assert.NotNull(uptime.UpSince);
        Assert.NotNull(uptime.UpTime);
        Assert.EndsWith("[sec]", uptime.UpTimeText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uptime_reads_the_captured_reply_raw_and_parsed()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("uptime", "datagram/uptime.response");
        var uptime = await s.Client.UptimeAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new DateTime(2026, 11, 26, 16, 28, 24), uptime.Now);
        Assert.Equal(new DateTime(2026, 11, 26, 16, 28, 17), uptime.UpSince);
        Assert.Equal(TimeSpan.FromSeconds(7), uptime.UpTime);
        Assert.Equal("7 [sec]", uptime.UpTimeText);
        Assert.Equal("7 [sec]", uptime.Raw.GetProperty("Up time").GetString());
    }

    [Fact]
    public async Task Uptime_parses_ctime_with_a_space_padded_day()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("uptime", null, "{\"Now\":\"Wed Aug  9 19:41:28 2023\",\"Up since\":\"Wed Aug  9 18:44:18 2023\",\"Up time\":\"3430 [sec]\"}");
        var uptime = await s.Client.UptimeAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new DateTime(2023, 8, 9, 19, 41, 28), uptime.Now);
        Assert.Equal(TimeSpan.FromSeconds(3430), uptime.UpTime);
    }

    [Fact]
    public async Task Version_parses_the_server_string()
    {
        await using var s = await EmulatorSession.StartAsync();
        var version = await s.Client.VersionAsync(TestContext.Current.CancellationToken);
        Assert.Equal("OpenSIPS (3.6.8 (x86_64/linux))", version.Server);
        Assert.Equal(new Version(3, 6, 8), version.Version);
        Assert.Null(version.Revision);
    }

    [Fact]
    public async Task Which_lists_the_commands_of_the_captured_server()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("which", "datagram/which.response");
        var commands = await s.Client.WhichAsync(TestContext.Current.CancellationToken);
        Assert.Equal(66, commands.Count);
        Assert.Contains("ul_show_contact", commands);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, commands.Raw.ValueKind);
    }

    [Fact]
    public async Task Which_with_a_command_returns_its_recipes()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("which", null, "[[],[\"level\"],[\"level\",\"pid\"]]");
        var recipes = await s.Client.WhichAsync("log_level", TestContext.Current.CancellationToken);
        Assert.Equal("[\"log_level\"]", s.ParamsOf("which"));
        Assert.Equal(3, recipes.Count);
        Assert.Empty(recipes[0]);
        Assert.Equal(["level", "pid"], recipes[2]);
    }

    [Fact]
    public async Task Ps_reads_the_captured_process_list()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("ps", "datagram/ps.response");
        var processes = await s.Client.PsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(12, processes.Count);
        Assert.Equal(new ProcessInfo(0, 22393, "attendant", processes[0].Raw), processes[0]);
        Assert.Equal("MI Datagram", processes[2].Type);
    }

    [Fact]
    public async Task Pwd_and_arg_read_the_emulator_state()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.State.WorkingDirectory = "/var/run/opensips";
        Assert.Equal("/var/run/opensips", await s.Client.PwdAsync(TestContext.Current.CancellationToken));
        var args = await s.Client.ArgAsync(TestContext.Current.CancellationToken);
        Assert.Equal(s.Emulator.State.Arguments, args);
    }

    [Fact]
    public async Task Log_levels_are_read_per_process()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("log_level", "datagram/log_level_get.response");
        var levels = await s.Client.GetLogLevelsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(12, levels.Count);
        Assert.All(levels, l => Assert.Equal(3, l.LogLevel));
        Assert.Equal(22396, levels[2].Pid);
    }

    [Fact]
    public async Task Set_log_level_sends_named_level_and_returns_the_new_level()
    {
        await using var s = await EmulatorSession.StartAsync();
        var level = await s.Client.SetLogLevelAsync(2, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, level);
        Assert.Equal("{\"level\":2}", s.ParamsOf("log_level"));
        Assert.Equal(2, s.Emulator.State.GlobalLogLevel);
    }

    [Fact]
    public async Task Set_log_level_for_one_process_sends_level_and_pid()
    {
        await using var s = await EmulatorSession.StartAsync();
        var pid = s.Emulator.State.Processes[1].Pid;
        var level = await s.Client.SetLogLevelAsync(4, pid, TestContext.Current.CancellationToken);
        Assert.Equal(4, level);
        Assert.Equal($"{{\"level\":4,\"pid\":{pid}}}", s.ParamsOf("log_level"));
    }

    [Fact]
    public async Task Set_log_level_with_an_unknown_pid_throws_the_mi_error()
    {
        await using var s = await EmulatorSession.StartAsync();
        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.SetLogLevelAsync(3, 999999, TestContext.Current.CancellationToken));
        Assert.Equal(-32602, error.Code);
        Assert.Equal("Bad PID", error.Error.DataText);
    }

    [Fact]
    public async Task Reload_routes_and_memory_dumps_send_their_recipes()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerOk("reload_routes");
        s.AnswerOk("mem_pkg_dump");
        s.AnswerOk("mem_shm_dump");
        var ct = TestContext.Current.CancellationToken;
        await s.Client.ReloadRoutesAsync(ct);
        await s.Client.MemPkgDumpAsync(1234, 2, ct);
        Assert.Equal("[1234,2]", s.ParamsOf("mem_pkg_dump"));
        await s.Client.MemShmDumpAsync(cancellationToken: ct);
        Assert.Equal(string.Empty, s.ParamsOf("mem_shm_dump"));
        await s.Client.MemShmDumpAsync(1, ct);
        Assert.Equal("[1]", s.ParamsOf("mem_shm_dump"));
    }

    [Fact]
    public async Task Reload_routes_failure_throws_MiCommandException()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.Handle("reload_routes", _ => MiEmulatorReply.Error(500, "reload failed"));
        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.ReloadRoutesAsync(TestContext.Current.CancellationToken));
        Assert.Equal(500, error.Code);
        Assert.Equal("reload_routes", error.Method);
    }

    [Fact]
    public async Task Shm_check_reads_the_fragment_count()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("shm_check", null, "{\"total_fragments\":1234}");
        var check = await s.Client.ShmCheckAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1234, check.TotalFragments);
    }

    [Fact]
    public async Task Tcp_connections_are_read_with_lifetime_and_aliases()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("list_tcp_conns", null,
            "{\"Connections\":[{\"ID\":7,\"Type\":\"tcp\",\"State\":0,\"Remote\":\"10.0.0.9:40312\",\"Local\":\"10.0.0.1:5060\",\"Lifetime\":\"2026-11-26 16:40:00\",\"Alias port\":40312}]}");
        var conns = await s.Client.ListTcpConnsAsync(TestContext.Current.CancellationToken);
        var conn = Assert.Single(conns);
        Assert.Equal(7, conn.Id);
        Assert.Equal("10.0.0.9:40312", conn.Remote);
        Assert.Equal(new DateTime(2026, 11, 26, 16, 40, 0), conn.Lifetime);
        Assert.Equal([40312], conn.AliasPorts);
    }

    [Fact]
    public async Task Tcp_connection_repeated_alias_port_members_are_all_kept()
    {
        // OpenSIPS repeats the "Alias port" name once per alias; a JsonNode-based server cannot send that, a raw one can.
        await using var server = FakeMiServer.Answering(
            "{\"Connections\":[{\"ID\":7,\"Type\":\"tcp\",\"State\":0,\"Remote\":\"10.0.0.9:40312\",\"Local\":\"10.0.0.1:5060\",\"Lifetime\":\"2026-11-26 16:40:00\",\"Alias port\":40312,\"Alias port\":5060}]}");
        await using var client = server.Connect();
        var conn = Assert.Single(await client.ListTcpConnsAsync(TestContext.Current.CancellationToken));
        Assert.Equal([40312, 5060], conn.AliasPorts);
    }

    [Fact]
    public async Task Tcp_connections_are_empty_when_tcp_is_off()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("list_tcp_conns", null, "null");
        Assert.Empty(await s.Client.ListTcpConnsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Cache_store_fetch_and_remove_round_trip()
    {
        await using var s = await EmulatorSession.StartAsync();
        var cache = new Dictionary<string, string>();
        s.Emulator.Handle("cache_store", r => { cache[r.GetString("attr", 1)!] = r.GetString("value", 2)!; return MiEmulatorReply.Ok; });
        s.Emulator.Handle("cache_fetch", r => cache.TryGetValue(r.GetString("attr", 1)!, out var v)
            ? MiEmulatorReply.Result(new System.Text.Json.Nodes.JsonObject { ["key"] = r.GetString("attr", 1), ["value"] = v })
            : MiEmulatorReply.Error(400, "Value not found"));
        s.Emulator.Handle("cache_remove", r => { cache.Remove(r.GetString("attr", 1)!); return MiEmulatorReply.Ok; });
        var ct = TestContext.Current.CancellationToken;

        await s.Client.CacheStoreAsync("local", "k1", "v1", TimeSpan.FromSeconds(60), ct);
        Assert.Equal("[\"local\",\"k1\",\"v1\",60]", s.ParamsOf("cache_store"));
        Assert.Equal("v1", await s.Client.CacheFetchAsync("local", "k1", ct));
        await s.Client.CacheRemoveAsync("local", "k1", ct);
        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.CacheFetchAsync("local", "k1", ct));
        Assert.Equal(400, error.Code);
    }

    [Fact]
    public async Task Events_list_reads_the_emulator_events()
    {
        await using var s = await EmulatorSession.StartAsync();
        var events = await s.Client.EventsListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(events, e => e.Name == "E_UL_AOR_INSERT" && e.Id is not null);
    }

    private static void EmulateRaiseEvent(EmulatorSession s) =>
        s.Emulator.Handle("raise_event", r => s.Emulator.State.Subscribers.Any(x => x.Event == r.GetString("event", 0))
            ? MiEmulatorReply.Ok
            : MiEmulatorReply.Error(480, "Temporarily Unavailable"));

    [Fact]
    public async Task Subscribe_then_list_subscribers_and_raise_an_event()
    {
        await using var s = await EmulatorSession.StartAsync();
        EmulateRaiseEvent(s);
        var ct = TestContext.Current.CancellationToken;
        await s.Client.EventSubscribeAsync("E_CORE_THRESHOLD", "udp:127.0.0.1:9999", TimeSpan.FromSeconds(120), ct);
        Assert.Equal("[\"E_CORE_THRESHOLD\",\"udp:127.0.0.1:9999\",120]", s.ParamsOf("event_subscribe"));

        var all = await s.Client.SubscribersListAsync(cancellationToken: ct);
        var subscriber = Assert.Single(Assert.Single(all, e => e.Name == "E_CORE_THRESHOLD").Subscribers);
        Assert.Equal("udp:127.0.0.1:9999", subscriber.Socket);
        Assert.Equal(120, subscriber.Expire);

        var one = await s.Client.SubscribersListAsync("E_CORE_THRESHOLD", cancellationToken: ct);
        Assert.Equal("E_CORE_THRESHOLD", Assert.Single(one).Name);

        await s.Client.RaiseEventAsync("E_CORE_THRESHOLD", new Dictionary<string, MiValue> { ["source"] = "mi-test", ["time"] = 123 }, ct);
        Assert.Equal("{\"event\":\"E_CORE_THRESHOLD\",\"params\":\"{\\\"source\\\":\\\"mi-test\\\",\\\"time\\\":123}\"}", s.ParamsOf("raise_event"));
    }

    [Fact]
    public async Task Subscribers_of_one_socket_read_the_single_subscriber_and_an_event_without_any_is_empty()
    {
        // OpenSIPS prints one subscriber as "Subscriber" (an object) and an event without subscribers as {"Event":{}}.
        await using var s = await EmulatorSession.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await s.Client.EventSubscribeAsync("E_CORE_THRESHOLD", "udp:127.0.0.1:9999", TimeSpan.FromSeconds(120), ct);
        var one = Assert.Single(await s.Client.SubscribersListAsync("E_CORE_THRESHOLD", "udp:127.0.0.1:9999", ct));
        Assert.Equal("E_CORE_THRESHOLD", one.Name);
        Assert.Equal("udp:127.0.0.1:9999", Assert.Single(one.Subscribers).Socket);
        Assert.Empty(await s.Client.SubscribersListAsync("E_CORE_SHM_THRESHOLD", cancellationToken: ct));
        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.SubscribersListAsync("E_CORE_THRESHOLD", "udp:127.0.0.1:9998", ct));
        Assert.Equal((404, "Subscriber does not exist"), (error.Code, error.Error.Message));
    }

    [Fact]
    public async Task Raise_event_without_subscribers_throws_480()
    {
        await using var s = await EmulatorSession.StartAsync();
        EmulateRaiseEvent(s);
        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.RaiseEventAsync("E_CORE_PKG_THRESHOLD", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(480, error.Code);
    }

    [Fact]
    public async Task Subscribers_reads_expired_ttl_text_from_the_capture()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("subscribers_list", "events/subscribers_list_final.response");
        var events = await s.Client.SubscribersListAsync(cancellationToken: TestContext.Current.CancellationToken);
        var expired = Assert.Single(events[0].Subscribers);
        Assert.True(expired.IsExpired);
        Assert.Null(expired.Ttl);
        Assert.Equal(0, expired.Expire);
        Assert.Equal(2, events[1].Subscribers.Count);
        Assert.Equal(3588, events[1].Subscribers[1].Ttl);
    }

    [Fact]
    public async Task Subscribers_for_one_event_reads_the_single_event_capture()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("subscribers_list", "events/subscribers_list_one_event.response");
        var events = await s.Client.SubscribersListAsync("E_UL_AOR_INSERT", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, Assert.Single(events).Subscribers.Count);
    }

    [Fact]
    public async Task Subscribers_for_one_socket_reads_the_single_subscriber_object()
    {
        // Shape seen on real 3.4.18, 3.6.8 and 4.0.1: one socket gives "Subscriber" (an object), not "Subscribers".
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("subscribers_list", null,
            "{\"Event\":{\"name\":\"E_CORE_THRESHOLD\",\"id\":1,\"Subscriber\":{\"socket\":\"udp:127.0.0.1:9999\",\"expire\":120,\"ttl\":118}}}");
        var events = await s.Client.SubscribersListAsync("E_CORE_THRESHOLD", "udp:127.0.0.1:9999", TestContext.Current.CancellationToken);
        var subscriber = Assert.Single(Assert.Single(events).Subscribers);
        Assert.Equal("udp:127.0.0.1:9999", subscriber.Socket);
        Assert.Equal(118, subscriber.Ttl);
    }
}
