using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Reliability;

/// <summary>
/// Issue 8: requests that would crash or confuse OpenSIPS never leave the client. What the public API cannot even build
/// (a missing or non-string method, a batch, params that are neither an array nor an object) is refused by
/// construction; the FIFO guard behind it is tested in <see cref="Fifo.FifoTransportTests"/>, the mi_datagram 65457-byte
/// limit over UDP in <see cref="Datagram.DatagramCorrelationTests"/>, the mi_fifo 4096-byte limit in
/// <see cref="Fifo.FifoTransportTests"/>, XML-RPC values OpenSIPS cannot read in <see cref="XmlRpc.XmlRpcEncodingTests"/>.
/// </summary>
public sealed class RefusedBeforeSendingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> AllTransports() => [MiTransport.Datagram, MiTransport.Unix, MiTransport.Http, MiTransport.XmlRpc, MiTransport.Fifo];

    private static MiConnectionOptions OptionsFor(MiEmulator emulator, string transport) => transport switch
    {
        MiTransport.Datagram => MiConnectionOptions.Parse(emulator.UdpUri),
        MiTransport.Unix => MiConnectionOptions.Parse(emulator.UnixUri),
        MiTransport.Http => MiConnectionOptions.Parse(emulator.HttpUriString),
        MiTransport.XmlRpc => MiConnectionOptions.Parse(emulator.XmlRpcUriString),
        _ => new FifoOptions(emulator.FifoPath) { ReplyDirectory = emulator.FifoReplyDirectory },
    };

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task Method_names_that_are_not_one_word_are_refused_on_every_transport(string transport)
    {
        await using var emulator = await MiEmulator.StartAsync(cancellationToken: Ct);
        await using var client = MiClient.Connect(OptionsFor(emulator, transport));

        foreach (var method in new[] { "", " ", "up time", "uptime\n", "uptime\r\n{\"x\":1}", "up\0time", "\tuptime", "up\u0085time" })
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CommandAsync(method, Ct));
        }

        await Assert.ThrowsAsync<ArgumentNullException>(() => client.CommandAsync(null!, Ct));
        Assert.Empty(emulator.Received);
        Assert.Equal(0, emulator.FifoCrashCount);
    }

    [Fact]
    public async Task Over_a_unix_socket_65457_bytes_are_sent_and_65458_refused()
    {
        await using var emulator = await MiEmulator.StartAsync(cancellationToken: Ct);
        await using var client = MiClient.Connect(emulator.UnixUri);
        emulator.Handle("echo", _ => MiEmulatorReply.Ok);

        // {"jsonrpc":"2.0","method":"echo","params":["…"],"id":N} is 53 bytes plus N's digits around the string (ids start
        // at a random value per client; the next two ids have the same number of digits).
        var around = 53 + client.PeekNextId().ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        var fits = new string('x', 65457 - around);
        Assert.True((await client.CommandAsync("echo", MiParams.Positional(fits), Ct)).IsSuccess);

        var ex = await Assert.ThrowsAsync<MiRequestTooLargeException>(() => client.CommandAsync("echo", MiParams.Positional(fits + "x"), Ct));

        Assert.Equal(65458, ex.Size);
        Assert.Single(emulator.Received);
    }

    [Fact]
    public async Task Over_the_fifo_every_json_value_the_api_can_build_is_accepted_without_crashing_opensips()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUdp = false, EnableUnix = false }, Ct);
        await using var client = MiClient.Connect(new FifoOptions(emulator.FifoPath) { ReplyDirectory = emulator.FifoReplyDirectory });
        emulator.Handle("echo", request => MiEmulatorReply.Result(request.Params?.DeepClone()));

        var awkward = new MiParams[]
        {
            MiParams.None,
            MiParams.Positional(MiValue.Null),
            MiParams.Positional("", "\"}]\n:reply:{\"method\":null}", "\u0000\u001f\u2028\ud83d\ude00"),
            MiParams.Named(("method", MiValue.Null), ("id", "x"), ("jsonrpc", 1)),
            MiParams.Named(("params", MiValue.Array(MiValue.Object(("method", 5))))),
            MiParams.Positional(long.MinValue, long.MaxValue, 0.5, true, false),
        };

        foreach (var parameters in awkward)
        {
            var response = await client.CommandAsync("echo", parameters, Ct);
            Assert.True(response.IsSuccess, response.ToString());
        }

        Assert.Equal(0, emulator.FifoCrashCount);
    }

    [Fact]
    public void Params_that_are_a_lone_value_are_refused_instead_of_sending_its_properties()
    {
        foreach (var value in new object[] { "alice", 3, 3L, true, 1.5m, new[] { 1, 2 }, new List<string> { "a" }, MiValue.FromString("x"), System.Text.Json.JsonDocument.Parse("{}").RootElement, new System.Text.Json.Nodes.JsonObject(), DayOfWeek.Monday })
        {
            var ex = Assert.Throws<ArgumentException>(() => MiParams.FromObject(value));
            Assert.Contains("MiParams.Positional", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal("""{"level":3}""", MiParams.FromObject(new { level = 3 }).ToString());
        Assert.Equal("""{"level":3}""", MiParams.FromObject(new Dictionary<string, object?> { ["level"] = 3 }).ToString());
    }

    [Theory]
    [InlineData("X-Proxy", "a\r\nX-Injected: 1")]
    [InlineData("X-Proxy", "a\nb")]
    [InlineData("X-Proxy", "a\0b")]
    [InlineData("X-Proxy\r\nX-Injected", "1")]
    [InlineData("X Proxy", "1")]
    [InlineData("X-Proxy:", "1")]
    [InlineData("", "1")]
    public void Http_headers_that_would_inject_lines_are_refused_at_connect(string name, string value)
    {
        var options = new HttpOptions(new Uri("http://127.0.0.1:8888/mi")) { Headers = new Dictionary<string, string> { [name] = value } };

        var ex = Assert.Throws<ArgumentException>(() => MiClient.Connect(options));

        Assert.Equal("Headers", ex.ParamName);
        Assert.DoesNotContain("\r", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ordinary_http_headers_still_reach_the_server()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUdp = false, EnableUnix = false }, Ct);
        await using var client = MiClient.Connect(new HttpOptions(emulator.HttpUri) { Headers = new Dictionary<string, string> { ["X-Request-Source"] = "ops; team=voice" } });

        Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess);
    }
}
