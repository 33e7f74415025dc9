using System.Text;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing.Tests.Commands;

/// <summary>
/// <see cref="MiEmulatorDialect.OpenSips40"/>: what a real OpenSIPS 4.0.1 answered for the same requests (the
/// integration suite's EmulatorMatchesRealServer40 checks the same against a running 4.0.1).
/// </summary>
public class DialectTests
{
    private static Task<MiEmulator> StartAsync(CancellationToken ct, MiEmulatorDialect dialect = MiEmulatorDialect.OpenSips40) =>
        MiEmulator.StartAsync(new MiEmulatorOptions { Dialect = dialect, EnableFifo = false, EnableHttp = false, EnableUnix = false }, ct);

    private static async Task<JsonNode> CallAsync(MiEmulator emulator, string method, string? parameters, CancellationToken ct)
    {
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        var json = parameters is null
            ? $"{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"id\":1}}"
            : $"{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"params\":{parameters},\"id\":1}}";
        return JsonNode.Parse(Encoding.UTF8.GetString(await probe.RequestAsync(Encoding.UTF8.GetBytes(json), ct)))!;
    }

    [Fact]
    public async Task Version_and_which_are_the_4_0_ones()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        Assert.Equal(MiEmulatorDialect.OpenSips40, emulator.Dialect);
        Assert.Equal("OpenSIPS (4.0.1 (x86_64/linux))", (string)(await CallAsync(emulator, "version", null, cts.Token))["result"]!["Server"]!);
        var which = (await CallAsync(emulator, "core:which", null, cts.Token))["result"]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal(["statistics:get", "statistics:list", "statistics:reset", "statistics:reset_all", "core:uptime"], which.Take(5));
        Assert.Contains("usrloc:dump", which);
        Assert.Contains("tm:uac_dlg", which);
        Assert.Contains("evi:raise", which);
        Assert.DoesNotContain("ul_dump", which);
        Assert.Equal(which, emulator.Commands);
    }

    [Theory]
    [InlineData("core:uptime")]
    [InlineData("uptime")]
    [InlineData("usrloc:show_contact")]
    [InlineData("ul_show_contact")]
    [InlineData("show_contact")]
    public async Task The_4_0_name_the_3_x_alias_and_a_unique_bare_name_reach_the_same_command(string method)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var reply = await CallAsync(emulator, method, method.Contains("show_contact", StringComparison.Ordinal) ? "[\"location\",\"alice\"]" : null, cts.Token);
        Assert.NotNull(reply["result"]);
    }

    [Fact]
    public async Task A_bare_name_several_modules_export_is_ambiguous()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var error = (await CallAsync(emulator, "get", "[[\"tm:\"]]", cts.Token))["error"]!;
        Assert.Equal(-32001, (int)error["code"]!);
        Assert.Equal("Method ambiguous", (string)error["message"]!);
        Assert.Equal("supported names: statistics:get, status_report:get", (string)error["data"]!);
        Assert.Equal(404, (int)(await CallAsync(emulator, "help", "[\"get\"]", cts.Token))["error"]!["code"]!);
    }

    [Theory]
    [InlineData("domain_dump")]
    [InlineData("core:nope")]
    [InlineData("usrloc:uptime")]
    [InlineData("nope:uptime")]
    public async Task Unknown_names_are_not_found(string method)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var error = (await CallAsync(emulator, method, null, cts.Token))["error"]!;
        Assert.Equal((-32601, "Method not found"), ((int)error["code"]!, (string)error["message"]!));
    }

    [Fact]
    public async Task Help_names_the_4_0_module()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        Assert.Equal("evi", (string)(await CallAsync(emulator, "help", "[\"raise_event\"]", cts.Token))["result"]!["Exported by"]!);
        Assert.Equal("cache", (string)(await CallAsync(emulator, "help", "[\"cache:store\"]", cts.Token))["result"]!["Exported by"]!);
        Assert.Equal("usrloc", (string)(await CallAsync(emulator, "core:help", "[\"usrloc:dump\"]", cts.Token))["result"]!["Exported by"]!);
    }

    [Fact]
    public async Task Events_list_has_the_4_0_profiling_events()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var events = (await CallAsync(emulator, "evi:list", null, cts.Token))["result"]!["Events"]!.AsArray();
        Assert.Equal(("E_PROFILING_SCRIPT", 6), ((string)events[6]!["name"]!, (int)events[6]!["id"]!));
        Assert.Equal(("E_UL_AOR_INSERT", 8), ((string)events[8]!["name"]!, (int)events[8]!["id"]!));
    }

    [Fact]
    public async Task A_test_handler_set_under_the_3_x_name_answers_under_every_name()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Handle("ul_dump", _ => MiEmulatorReply.Result(JsonValue.Create("mine")));
        Assert.Equal("mine", (string)(await CallAsync(emulator, "usrloc:dump", null, cts.Token))["result"]!);
        Assert.Equal("mine", (string)(await CallAsync(emulator, "ul_dump", null, cts.Token))["result"]!);
        Assert.True(emulator.Remove("usrloc:dump"));
        Assert.Equal(-32601, (int)(await CallAsync(emulator, "ul_dump", null, cts.Token))["error"]!["code"]!);
    }

    [Fact]
    public async Task The_default_dialect_keeps_the_3_6_names()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token, MiEmulatorDialect.OpenSips36);
        Assert.Equal("OpenSIPS (3.6.8 (x86_64/linux))", (string)(await CallAsync(emulator, "version", null, cts.Token))["result"]!["Server"]!);
        Assert.Equal(-32601, (int)(await CallAsync(emulator, "core:uptime", null, cts.Token))["error"]!["code"]!);
        Assert.Equal(-32601, (int)(await CallAsync(emulator, "get", null, cts.Token))["error"]!["code"]!);
    }
}
