using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi.Tests.Behaviour;

/// <summary>
/// What every transport must do, written once and run unchanged against the emulator (tests/OpenSips.Mi.Tests) and
/// against real OpenSIPS servers of every supported version (tests/OpenSips.Mi.IntegrationTests, which links this
/// file). The server starts with <c>alice</c> and <c>bob</c> registered and cachedb_local loaded; a silent server is
/// a <c>t_uac_dlg</c> to a phone that never answers, so the command waits for tm's final-response timeout.
/// </summary>
public abstract class ClientBehaviourTests : IAsyncLifetime
{
    private readonly Socket _silentPhone = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private bool _calledSilentPhone;

    protected MiClient Client { get; private set; } = null!;

    /// <summary>XML-RPC loses the JSON-RPC error data (docs/wire-facts.md#xmlrpc-faults).</summary>
    protected virtual bool CarriesErrorData => true;

    /// <summary>The OpenSIPS version the server reports, for example <c>3.6.8</c>.</summary>
    protected abstract string ServerVersion { get; }

    /// <summary>Starts or finds the server and returns how to reach it over the transport under test.</summary>
    protected abstract ValueTask<MiConnectionOptions> ServerAsync();

    /// <summary>Releases what <see cref="ServerAsync"/> started.</summary>
    protected virtual ValueTask StopServerAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask InitializeAsync()
    {
        _silentPhone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Client = MiClient.Connect(await ServerAsync() with { Timeout = TimeSpan.FromSeconds(5) });
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_calledSilentPhone)
        {
            // mi_http and mi_xmlrpc_ng share one httpd that serves one request at a time, and an abandoned t_uac_dlg holds it
            // until tm gives up on the phone: wait for that here, so the next test's calls do not start behind it.
            await Client.CommandAsync("version", null, TimeSpan.FromSeconds(15), CancellationToken.None);
        }

        await Client.DisposeAsync();
        await StopServerAsync();
        _silentPhone.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A NOTIFY to a phone that never answers: OpenSIPS replies only after tm's timeout.</summary>
    protected Task<MiResponse> CallSilentPhoneAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _calledSilentPhone = true;
        var phone = string.Create(CultureInfo.InvariantCulture, $"sip:silent@127.0.0.1:{((IPEndPoint)_silentPhone.LocalEndPoint!).Port}");
        var parameters = MiParams.Named(
            ("method", "NOTIFY"),
            ("ruri", phone),
            ("headers", $"From: <sip:mi@127.0.0.1>;tag=behaviour\r\nTo: <{phone}>\r\nEvent: check-sync\r\n"));
        return Client.CommandAsync("t_uac_dlg", parameters, timeout, cancellationToken);
    }

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
    public async Task Strings_with_markup_and_quotes_survive_the_round_trip()
    {
        const string value = "text <&> \"q\" 'a' ünï";
        var key = "shape-" + Guid.NewGuid().ToString("N");
        (await Client.CommandAsync("cache_store", MiParams.Positional("local", key, value), Ct)).EnsureSuccess();

        var result = (await Client.CommandAsync("cache_fetch", MiParams.Positional("local", key), Ct)).GetResult();

        Assert.Equal(key, result.GetProperty("key").GetString());
        Assert.Equal(value, result.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Nested_objects_lists_and_numbers_are_decoded()
    {
        var result = (await Client.CommandAsync("ul_show_contact", MiParams.Positional("location", "alice"), Ct)).GetResult();

        var contact = result.GetProperty("Contacts")[0];
        Assert.StartsWith("sip:alice@127.0.0.1:", contact.GetProperty("Contact").GetString(), StringComparison.Ordinal);
        Assert.True(contact.GetProperty("Expires").GetInt32() > 0);
        Assert.True(contact.GetProperty("Cseq").GetInt32() > 0);
    }

    [Fact]
    public async Task A_silent_server_ends_in_a_timeout_within_its_bound()
    {
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<MiTimeoutException>(() => CallSilentPhoneAsync(TimeSpan.FromMilliseconds(300), Ct));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Equal("t_uac_dlg", ex.Method);
        Assert.IsAssignableFrom<TimeoutException>(ex);
    }

    [Fact]
    public async Task The_caller_cancelling_is_a_cancellation_not_a_timeout()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(200);

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CallSilentPhoneAsync(TimeSpan.FromSeconds(5), cts.Token));

        Assert.IsNotType<MiTimeoutException>(ex);
    }

    [Fact]
    public async Task The_client_keeps_working_after_a_timeout()
    {
        await Assert.ThrowsAsync<MiTimeoutException>(() => CallSilentPhoneAsync(TimeSpan.FromMilliseconds(200), Ct));

        // mi_http answers one request at a time and the abandoned t_uac_dlg holds it until tm gives up on the phone, so
        // the next call gets a bound that outlasts tm's timeout.
        var response = await Client.CommandAsync("version", null, TimeSpan.FromSeconds(15), Ct);

        Assert.StartsWith($"OpenSIPS ({ServerVersion} (", response.GetResult().GetProperty("Server").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_concurrent_calls_each_get_their_own_reply()
    {
        const int calls = 200;
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < calls; i++)
        {
            (await Client.CommandAsync("cache_store", MiParams.Positional("local", $"{run}-{i}", $"value-{i}"), Ct)).EnsureSuccess();
        }

        var tasks = Enumerable.Range(0, calls)
            .Select(i => Client.CommandAsync("cache_fetch", MiParams.Positional("local", $"{run}-{i}"), Ct))
            .ToArray();
        var responses = await Task.WhenAll(tasks);

        for (var i = 0; i < calls; i++)
        {
            var result = responses[i].GetResult();
            Assert.Equal($"{run}-{i}", result.GetProperty("key").GetString());
            Assert.Equal($"value-{i}", result.GetProperty("value").GetString());
        }
    }

    [Fact]
    public async Task A_disposed_client_refuses_new_calls()
    {
        await Client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Client.CommandAsync("uptime", Ct));
    }
}
