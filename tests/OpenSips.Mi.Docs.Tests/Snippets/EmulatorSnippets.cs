using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Docs.Tests.Snippets;

public static class EmulatorSnippets
{
    [Runs]
    public static async Task Basics()
    {
        #region emulator-basics
        await using var emulator = await MiEmulator.StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);   // or UnixUri, HttpUriString, XmlRpcUriString, FifoUri

        // Built-in commands answer with the captured shapes: which, uptime, version, ps, log_level, get_statistics, ul_*, events…
        MiResponse stats = await mi.CommandAsync("get_statistics", MiParams.Positional(new[] { "tm:" }));

        // Add or override commands, synchronous or asynchronous, and read what arrived.
        emulator.Handle("my_cmd", request => MiEmulatorReply.Result(new JsonObject { ["echo"] = request.Params?.DeepClone() }));
        emulator.Handle("slow_cmd", async (request, ct) => { await Task.Delay(100, ct); return MiEmulatorReply.Ok; });
        await mi.CommandAsync("my_cmd", MiParams.Positional("hello"));
        Assert.Single(emulator.Received, r => r.Method == "my_cmd");

        // Seed state and inject faults.
        emulator.State.Statistics.Set("dialog:active_dialogs", 42);
        emulator.Faults.Add(MiFault.DropReply(when: r => r.Method == "uptime", times: 1));
        emulator.Faults.Add(MiFault.DelayReply(TimeSpan.FromSeconds(1), when: MiFault.WithProbability(0.1, seed: 7)));
        #endregion

        Assert.True(stats.IsSuccess);
    }

    [Runs]
    public static async Task FifoClient()
    {
        #region emulator-fifo
        await using var emulator = await MiEmulator.StartAsync();
        // the emulated mi_fifo writes replies into its own reply_dir, so tell the client where that is
        await using var mi = MiClient.Connect(new FifoOptions(emulator.FifoPath!) { ReplyDirectory = emulator.FifoReplyDirectory });
        MiResponse up = await mi.CommandAsync("uptime");
        #endregion

        Assert.True(up.IsSuccess);
    }

    [Runs]
    public static async Task Dialect40()
    {
        #region emulator-dialect-40
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { Dialect = MiEmulatorDialect.OpenSips40 });
        await using var mi = MiClient.Connect(MiConnectionOptions.Parse(emulator.UdpUri));

        var which = await mi.CommandAsync("which");            // ["statistics:get", …, "core:uptime", …, "usrloc:dump", …]
        var uptime = await mi.CommandAsync("core:uptime");     // the 4.0 name
        var same = await mi.CommandAsync("uptime");            // the 3.x name still works (an alias)
        var bare = await mi.CommandAsync("show_contact", MiParams.Positional("location", "alice")); // a bare name one module has
        var ambiguous = await mi.CommandAsync("get");          // -32001 "Method ambiguous", data "supported names: statistics:get, status_report:get"
        #endregion

        Assert.True(uptime.IsSuccess && same.IsSuccess && bare.IsSuccess);
        Assert.Equal(-32001, ambiguous.Error!.Code);
        Assert.Contains("core:uptime", which.GetResult().EnumerateArray().Select(e => e.GetString()));
    }
}
