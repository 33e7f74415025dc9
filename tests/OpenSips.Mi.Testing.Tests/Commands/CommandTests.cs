using System.Text;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing.Tests.Commands;

public class CommandTests
{
    private static Task<MiEmulator> StartAsync(CancellationToken ct, MiEmulatorOptions? options = null) =>
        MiEmulator.StartAsync((options ?? new MiEmulatorOptions()) with { EnableFifo = false, EnableHttp = false, EnableUnix = false }, ct);

    private static async Task<string> CallAsync(MiEmulator emulator, string json, CancellationToken ct)
    {
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        return Encoding.UTF8.GetString(await probe.RequestAsync(Encoding.UTF8.GetBytes(json), ct));
    }

    [Fact]
    public async Task A_custom_command_answers_and_the_request_is_recorded()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Handle("dlg_list", r => MiEmulatorReply.Result(new JsonObject { ["Dialogs"] = new JsonArray() }));
        var reply = await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"dlg_list\",\"params\":{},\"id\":7}", cts.Token);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"Dialogs\":[]},\"id\":7}", reply);
        var request = Assert.Single(emulator.Received);
        Assert.Equal(MiTransport.Datagram, request.Transport);
        Assert.Equal("dlg_list", request.Method);
    }

    [Fact]
    public async Task Overriding_a_builtin_keeps_its_recipes_so_param_errors_stay_real()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Handle("dlg_list", _ => MiEmulatorReply.Ok);
        var reply = await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"dlg_list\",\"params\":[1],\"id\":1}", cts.Token);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":\"Command only supports named parameters\"},\"id\":1}", reply);
    }

    [Fact]
    public async Task Custom_recipes_produce_OpenSIPS_param_errors()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var recipes = new MiCommandRecipes([["a"], ["a", "n"]], types: new Dictionary<string, MiParamType> { ["n"] = MiParamType.Int });
        emulator.Handle("my_cmd", recipes, r => MiEmulatorReply.Result(r.GetInt("n", 1)));
        Assert.Contains("\"result\":5", await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"my_cmd\",\"params\":[\"x\",\"5\"],\"id\":1}", cts.Token));
        Assert.Contains("Bad type for parameter 'n'", await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"my_cmd\",\"params\":{\"a\":\"x\",\"n\":\"y\"},\"id\":1}", cts.Token));
        Assert.Contains("Named parameters do not match", await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"my_cmd\",\"params\":{\"b\":\"x\"},\"id\":1}", cts.Token));
        Assert.Contains("Too few or too many parameters", await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"my_cmd\",\"id\":1}", cts.Token));
        Assert.Contains("my_cmd", emulator.Commands);
    }

    [Fact]
    public async Task T_uac_dlg_answers_408_after_the_uac_timeout_by_default()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token, new MiEmulatorOptions { UacTimeout = TimeSpan.FromMilliseconds(200) });
        var reply = await CallAsync(emulator, Encoding.UTF8.GetString(WireData.Bytes("datagram", "dg_t_uac_dlg_timeout_408.request")), cts.Token);
        Assert.Equal(Encoding.UTF8.GetString(WireData.Bytes("datagram", "dg_t_uac_dlg_timeout_408.response")), reply);
    }

    [Fact]
    public async Task T_uac_dlg_responder_gets_the_unescaped_headers_and_answers_any_final_status()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        MiUacRequest? seen = null;
        emulator.UacResponder = (uac, _) =>
        {
            seen = uac;
            return Task.FromResult(MiUac.Final("486 Busy Here", MiUac.ReplyMessage(uac)));
        };
        var reply = await CallAsync(emulator, Encoding.UTF8.GetString(WireData.Bytes("datagram", "t_uac_dlg_notify_check_sync_escaped_crlf.request")), cts.Token);
        Assert.Contains("\"Status\":\"486 Busy Here\"", reply);
        Assert.Equal("check-sync", seen!.Header("Event"));
        Assert.EndsWith("\r\n", seen.Headers);
    }

    [Fact]
    public async Task Log_level_per_pid_changes_only_that_process()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var pid = emulator.State.Processes[2].Pid;
        var reply = await CallAsync(emulator, $"{{\"jsonrpc\":\"2.0\",\"method\":\"log_level\",\"params\":[4,{pid}],\"id\":1}}", cts.Token);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"New log level\":4},\"id\":1}", reply);
        Assert.Equal(4, emulator.State.Processes[2].LogLevel);
        Assert.Equal(3, emulator.State.Processes[1].LogLevel);
    }

    [Fact]
    public async Task Ul_add_then_ul_rm_change_the_usrloc_state()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var add = await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"ul_add\",\"params\":[\"location\",\"carol\",\"sip:carol@127.0.0.1:5070\",\"600\",\"0.5\",\"0\",\"0\",\"0\"],\"id\":1}", cts.Token);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"OK\",\"id\":1}", add);
        Assert.Equal("sip:carol@127.0.0.1:5070", Assert.Single(emulator.State.Usrloc.Find("carol")!).Contact);
        Assert.Contains("\"OK\"", await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"ul_rm\",\"params\":[\"location\",\"carol\"],\"id\":2}", cts.Token));
        // Removing it again is not an error on a real OpenSIPS either.
        Assert.Contains("\"OK\"", await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"ul_rm\",\"params\":[\"location\",\"carol\"],\"id\":3}", cts.Token));
        Assert.Null(emulator.State.Usrloc.Find("carol"));
    }

    [Fact]
    public async Task Statistics_seeded_by_a_test_are_reported()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.State.Statistics.Set("dialog:active_dialogs", 12, incremental: false);
        var reply = await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"get_statistics\",\"params\":[[\"active_dialogs\"]],\"id\":1}", cts.Token);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"dialog:active_dialogs\":12},\"id\":1}", reply);
    }

    [Fact]
    public async Task Uptime_counts_from_the_start_with_the_ctime_format()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.State.StartedAt = DateTimeOffset.Now.AddSeconds(-42);
        var result = JsonNode.Parse(await CallAsync(emulator, "{\"jsonrpc\":\"2.0\",\"method\":\"uptime\",\"id\":1}", cts.Token))!["result"]!;
        Assert.Matches(@"^\d+ \[sec\]$", (string)result["Up time"]!);
        Assert.InRange(int.Parse(((string)result["Up time"]!).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), 42, 44);
        Assert.Matches(@"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$", (string)result["Now"]!);
    }
}
