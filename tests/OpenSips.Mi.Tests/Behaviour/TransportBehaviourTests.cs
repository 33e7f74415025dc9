using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Behaviour;

/// <summary>The shared behaviour suite against the emulator, plus what only an emulator can show (custom handlers, what it received).</summary>
public abstract class EmulatorBehaviourTests : ClientBehaviourTests
{
    protected MiEmulator Emulator { get; private set; } = null!;

    protected override string ServerVersion => "3.6.8";

    protected abstract MiConnectionOptions Options(MiEmulator emulator);

    protected override async ValueTask<MiConnectionOptions> ServerAsync()
    {
        // tm's timeout as in the real servers of the integration suite: a pending t_uac_dlg holds mi_http for that long.
        Emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { UacTimeout = TimeSpan.FromSeconds(2) }, Ct);
        return Options(Emulator);
    }

    protected override async ValueTask StopServerAsync() => await Emulator.DisposeAsync();

    [Fact]
    public async Task Every_result_type_is_decoded()
    {
        Emulator.Handle("shapes", _ => MiEmulatorReply.Result(new JsonObject
        {
            ["s"] = "text <&> \"q\"",
            ["i"] = 42,
            ["big"] = 4294967295L,
            ["list"] = new JsonArray("a", 1),
            ["nested"] = new JsonObject { ["x"] = "y" },
        }));

        var result = (await Client.CommandAsync("shapes", Ct)).GetResult();

        Assert.Equal("text <&> \"q\"", result.GetProperty("s").GetString());
        Assert.Equal(42, result.GetProperty("i").GetInt32());
        Assert.Equal(4294967295L, result.GetProperty("big").GetInt64());
        Assert.Equal("a", result.GetProperty("list")[0].GetString());
        Assert.Equal("y", result.GetProperty("nested").GetProperty("x").GetString());
    }

    [Fact]
    public async Task The_request_reaches_the_server_as_sent()
    {
        await Client.CommandAsync("log_level", MiParams.Named(("level", 3)), Ct);

        var received = Assert.Single(Emulator.Received, r => r.Method == "log_level");
        Assert.True(received.IsNamed);
        Assert.Equal(3, (int)received.Params!["level"]!);
    }
}

public sealed class UdpBehaviourTests : EmulatorBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.UdpUri);
}

public sealed class UnixDatagramBehaviourTests : EmulatorBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.UnixUri);
}

/// <summary>mi_http over the client's lean HTTP/1.1 path (plain http, the default on Linux).</summary>
public sealed class HttpBehaviourTests : EmulatorBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.HttpUriString);
}

/// <summary>mi_http through <see cref="HttpClient"/> (what https, injected clients and handlers use).</summary>
public sealed class HttpClientBehaviourTests : EmulatorBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => new HttpOptions(emulator.HttpUri) { UseHttpClient = true };
}

public sealed class XmlRpcBehaviourTests : EmulatorBehaviourTests
{
    protected override bool CarriesErrorData => false;

    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.XmlRpcUriString);
}

public sealed class XmlRpcHttpClientBehaviourTests : EmulatorBehaviourTests
{
    protected override bool CarriesErrorData => false;

    protected override MiConnectionOptions Options(MiEmulator emulator) => new XmlRpcOptions(emulator.XmlRpcUri) { UseHttpClient = true };
}

public sealed class FifoBehaviourTests : EmulatorBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) =>
        new FifoOptions(emulator.FifoPath) { ReplyDirectory = emulator.FifoReplyDirectory };
}
