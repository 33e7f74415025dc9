using System.Text.Json.Nodes;
using OpenSips.Mi.Tests.Support;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Commands;

/// <summary>An emulator (UDP only) and a client connected to it, for one test.</summary>
internal sealed class EmulatorSession : IAsyncDisposable
{
    private EmulatorSession(MiEmulator emulator, MiClient client)
    {
        Emulator = emulator;
        Client = client;
    }

    public MiEmulator Emulator { get; }

    public MiClient Client { get; }

    public static async Task<EmulatorSession> StartAsync()
    {
        var emulator = await MiEmulator.StartAsync(
            new MiEmulatorOptions { EnableUnix = false, EnableHttp = false, EnableFifo = false },
            TestContext.Current.CancellationToken);
        var client = MiClient.Connect(new DatagramOptions("127.0.0.1", emulator.UdpEndPoint.Port) { Timeout = TimeSpan.FromSeconds(5) });
        return new EmulatorSession(emulator, client);
    }

    /// <summary>Answers <paramref name="command"/> with a fixed result (documented or captured shape).</summary>
    public void Answer(string command, MiCommandRecipes? recipes, string resultJson)
    {
        MiEmulatorReply Reply(MiEmulatorRequest _) => MiEmulatorReply.Result(JsonNode.Parse(resultJson));
        if (recipes is null)
        {
            Emulator.Handle(command, Reply);
        }
        else
        {
            Emulator.Handle(command, recipes, Reply);
        }
    }

    /// <summary>Answers <paramref name="command"/> with the result of a captured reply file.</summary>
    public void AnswerWithCapture(string command, string captureFile) => Answer(command, null, CaptureFiles.Result(captureFile));

    /// <summary>Answers <paramref name="command"/> with "OK".</summary>
    public void AnswerOk(string command, MiCommandRecipes? recipes = null) => Answer(command, recipes, "\"OK\"");

    /// <summary>The last request received for a command.</summary>
    public MiEmulatorRequest Last(string method) => Emulator.Received.Last(r => r.Method == method);

    /// <summary>The params of the last request for a command as compact JSON ("" when none).</summary>
    public string ParamsOf(string method) => Last(method).Params?.ToJsonString(Relaxed) ?? string.Empty;

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>Recipes of commands the emulator does not implement, from the OpenSIPS 3.6.8 module sources.</summary>
internal static class DocumentedRecipes
{
    private static readonly Dictionary<string, MiParamType> IntTypes = new()
    {
        ["full"] = MiParamType.Int, ["inherit_state"] = MiParamType.Any, ["destination_id"] = MiParamType.Int, ["new_status"] = MiParamType.Int,
        ["new_capacity"] = MiParamType.Int, ["status"] = MiParamType.Int, ["group_id"] = MiParamType.Int, ["code"] = MiParamType.Int,
        ["index"] = MiParamType.Int, ["counter"] = MiParamType.Int, ["pid"] = MiParamType.Int, ["log_level"] = MiParamType.Int,
        ["expire"] = MiParamType.Int,
    };

    public static MiCommandRecipes Of(params string[][] recipes) => new(recipes, false, IntTypes);

    public static MiCommandRecipes NamedOnly(params string[][] recipes) => new(recipes, true, IntTypes);
}
