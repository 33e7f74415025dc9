using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Behaviour;

/// <summary>
/// What every transport must do, written once and run per transport against the emulator on loopback.
/// </summary>
public abstract class ClientBehaviourTests : IAsyncLifetime
{
    protected MiEmulator Emulator { get; private set; } = null!;

    protected MiClient Client { get; private set; } = null!;

    /// <summary>XML-RPC loses the JSON-RPC error data (docs/wire-facts.md#xmlrpc-faults).</summary>
    protected virtual bool CarriesErrorData => true;

    protected abstract MiConnectionOptions Options(MiEmulator emulator);

    public async ValueTask InitializeAsync()
    {
        Emulator = await MiEmulator.StartAsync(new MiEmulatorOptions(), TestContext.Current.CancellationToken);
        Client = MiClient.Connect(Options(Emulator) with { Timeout = TimeSpan.FromSeconds(5) });
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Emulator.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_command_without_params_returns_its_result()
    {
        var response = await Client.CommandAsync("uptime", Ct);

        Assert.True(response.IsSuccess);
        Assert.EndsWith("[sec]", response.GetResult().GetProperty("Up time").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Positional_params_reach_the_command_in_order()
    {
        var response = await Client.CommandAsync("ul_show_contact", MiParams.Positional("location", "alice"), Ct);

        Assert.Equal("alice", response.GetResult().GetProperty("AOR").GetString());
    }

    [Fact]
    public async Task Named_params_reach_the_command_by_name()
    {
        var response = await Client.CommandAsync("ul_show_contact", MiParams.Named(("table_name", "location"), ("aor", "bob")), Ct);

        Assert.Equal("bob", response.GetResult().GetProperty("AOR").GetString());
    }

    [Fact]
    public async Task An_array_param_is_sent_as_one_array()
    {
        var response = await Client.CommandAsync("get_statistics", MiParams.Positional(new[] { "dialog:", "tm:" }), Ct);

        var result = response.GetResult();
        Assert.True(result.TryGetProperty("dialog:active_dialogs", out _));
        Assert.True(result.TryGetProperty("tm:UAC_transactions", out _));
    }

    [Fact]
    public async Task An_unknown_command_is_an_error_response_not_an_exception()
    {
        var response = await Client.CommandAsync("no_such_command", Ct);

        Assert.False(response.IsSuccess);
        Assert.Equal(-32601, response.Error.Code);
        var ex = Assert.Throws<MiCommandException>(() => response.EnsureSuccess());
        Assert.Equal("no_such_command", ex.Method);
        Assert.Equal(-32601, ex.Code);
    }

    [Fact]
    public async Task A_bad_param_type_is_reported_with_the_server_detail()
    {
        var response = await Client.CommandAsync("log_level", MiParams.Positional("loud"), Ct);

        Assert.Equal(-32602, response.Error!.Code);
        if (CarriesErrorData)
        {
            Assert.Equal("Bad type for parameter 'level'", response.Error.DataText);
        }
    }

    [Fact]
    public async Task Integers_beyond_int32_survive_the_round_trip()
    {
        var response = await Client.CommandAsync("ul_show_contact", MiParams.Positional("location", "alice"), Ct);

        Assert.Equal(4294967295L, response.GetResult().GetProperty("Contacts")[0].GetProperty("Methods").GetInt64());
    }

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
    public async Task A_silent_server_ends_in_a_timeout_within_its_bound()
    {
        Emulator.Handle("silent", _ => MiEmulatorReply.NoReply);
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<MiTimeoutException>(() => Client.CommandAsync("silent", null, TimeSpan.FromMilliseconds(300), Ct));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Equal("silent", ex.Method);
        Assert.IsAssignableFrom<TimeoutException>(ex);
    }

    [Fact]
    public async Task The_caller_cancelling_is_a_cancellation_not_a_timeout()
    {
        Emulator.Handle("silent", _ => MiEmulatorReply.NoReply);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(200);

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.CommandAsync("silent", cts.Token));

        Assert.IsNotType<MiTimeoutException>(ex);
    }

    [Fact]
    public async Task The_client_keeps_working_after_a_timeout()
    {
        Emulator.Handle("silent", _ => MiEmulatorReply.NoReply);
        await Assert.ThrowsAsync<MiTimeoutException>(() => Client.CommandAsync("silent", null, TimeSpan.FromMilliseconds(200), Ct));

        var response = await Client.CommandAsync("version", Ct);

        Assert.Equal("OpenSIPS (3.6.8 (x86_64/linux))", response.GetResult().GetProperty("Server").GetString());
    }

    [Fact]
    public async Task Many_concurrent_calls_each_get_their_own_reply()
    {
        Emulator.Handle("echo", request => MiEmulatorReply.Result(request.Params?.DeepClone()));
        const int calls = 200;

        var tasks = Enumerable.Range(1, calls)
            .Select(i => Client.CommandAsync("echo", MiParams.Positional("call-" + i), Ct))
            .ToArray();
        var responses = await Task.WhenAll(tasks);

        for (var i = 0; i < calls; i++)
        {
            Assert.Equal("call-" + (i + 1), responses[i].GetResult()[0].GetString());
        }
    }

    [Fact]
    public async Task A_disposed_client_refuses_new_calls()
    {
        await Client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Client.CommandAsync("uptime", Ct));
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
