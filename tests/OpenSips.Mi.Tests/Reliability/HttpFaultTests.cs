using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Reliability;

/// <summary>
/// Issue 8, HTTP: whatever the server does mid-reply, every call ends within its timeout with the right exception and the
/// client keeps working. Run for mi_http and mi_xmlrpc_ng (same transport, different codec). Not repeated here because
/// <see cref="Http.HttpTransportTests"/> has them: the never-ending 400 of httpd's receive_buf_size, a port with nothing
/// listening, the idle keep-alive retry, TLS verification.
/// </summary>
public sealed class HttpFaultTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);

    // Loaded CI machines schedule late; a hang would be seconds, not this.
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(1500);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(MiEmulator Emulator, MiClient Client)> StartAsync(bool xml)
    {
        var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false }, Ct);
        emulator.Handle("big", _ => MiEmulatorReply.Result(new JsonObject { ["blob"] = new string('x', 64 * 1024) }));
        var uri = xml ? emulator.XmlRpcUriString : emulator.HttpUriString;
        return (emulator, MiClient.Connect(MiConnectionOptions.Parse(uri) with { Timeout = Timeout }));
    }

    private static async Task<TException> EndsWithinTimeoutAsync<TException>(Func<Task> call)
        where TException : Exception
    {
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TException>(call);
        Assert.True(watch.Elapsed <= Timeout + Margin, $"{typeof(TException).Name} after {watch.Elapsed.TotalMilliseconds:0} ms");
        return ex;
    }

    private static async Task StillWorksAsync(MiClient client)
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess, "the client keeps working afterwards");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_closed_in_the_middle_of_the_body_is_a_transport_error(bool xml)
    {
        var (emulator, client) = await StartAsync(xml);
        await using var _ = emulator;
        await using var __ = client;
        emulator.Faults.Add(MiFault.CloseConnection(r => r.Method == "big"));

        var ex = await EndsWithinTimeoutAsync<MiTransportException>(() => client.CommandAsync("big", Ct));

        Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
        await StillWorksAsync(client);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_closed_in_the_middle_of_the_headers_every_time_is_a_transport_error(bool xml)
    {
        var (emulator, client) = await StartAsync(xml);
        await using var _ = emulator;
        await using var __ = client;
        emulator.Faults.Add(MiFault.CloseConnection(r => r.Method == "version"));

        var ex = await EndsWithinTimeoutAsync<MiTransportException>(() => client.CommandAsync("version", Ct));

        // httpd closing without a complete answer is retried once on a new connection (docs/wire-facts.md#http-idle-close); never more.
        Assert.InRange(emulator.Received.Count(r => r.Method == "version"), 1, 2);
        Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
        await StillWorksAsync(client);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_200_whose_chunked_body_never_ends_times_out(bool xml)
    {
        var (emulator, client) = await StartAsync(xml);
        await using var _ = emulator;
        await using var __ = client;
        emulator.Faults.Add(MiFault.NeverEndingBody(r => r.Method == "version"));

        var ex = await EndsWithinTimeoutAsync<MiTimeoutException>(() => client.CommandAsync("version", Ct));

        Assert.Equal(Timeout, ex.Timeout);
        await StillWorksAsync(client);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_shorter_than_its_content_length_times_out(bool xml)
    {
        var (emulator, client) = await StartAsync(xml);
        await using var _ = emulator;
        await using var __ = client;
        emulator.Faults.Add(MiFault.TruncateReply(10, r => r.Method == "version"));

        await EndsWithinTimeoutAsync<MiTimeoutException>(() => client.CommandAsync("version", Ct));

        await StillWorksAsync(client);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_slow_server_times_out_and_the_late_answer_reaches_nobody(bool xml)
    {
        var (emulator, client) = await StartAsync(xml);
        await using var _ = emulator;
        await using var __ = client;
        emulator.Faults.Add(MiFault.DelayReply(TimeSpan.FromSeconds(1), r => r.Method == "version", times: 1));

        await EndsWithinTimeoutAsync<MiTimeoutException>(() => client.CommandAsync("version", Ct));

        // The next calls start while the late answer is still due; each gets its own.
        var next = await client.CommandAsync("version", Ct);
        Assert.Equal("OpenSIPS (3.6.8 (x86_64/linux))", next.GetResult().GetProperty("Server").GetString());
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        await StillWorksAsync(client);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Garbage_or_a_plain_text_error_instead_of_the_reply_is_a_protocol_error(bool xml)
    {
        var (emulator, client) = await StartAsync(xml);
        await using var _ = emulator;
        await using var __ = client;
        emulator.Faults.Add(MiFault.ReplaceReply("\u0001\u00ff garbage {"u8.ToArray(), r => r.Method == "version", times: 1));
        emulator.Faults.Add(MiFault.ReplaceReply(MiFault.InternalErrorText, r => r.Method == "which", times: 1));

        await EndsWithinTimeoutAsync<MiProtocolException>(() => client.CommandAsync("version", Ct));
        await EndsWithinTimeoutAsync<MiProtocolException>(() => client.CommandAsync("which", Ct));

        await StillWorksAsync(client);
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_times_out()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var client = MiClient.Connect(new HttpOptions(new Uri($"http://127.0.0.1:{port}/mi")) { Timeout = Timeout });

        // The kernel completes the handshake from the backlog; nobody ever reads.
        var ex = await EndsWithinTimeoutAsync<MiTimeoutException>(() => client.CommandAsync("uptime", Ct));

        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_goes_away_and_comes_back_is_reached_again()
    {
        var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false }, Ct);
        var port = emulator.HttpUri.Port;
        await using var client = MiClient.Connect(new HttpOptions(emulator.HttpUri) { Timeout = Timeout });
        Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess);
        await emulator.DisposeAsync();

        // The kept-alive connection is gone and so is the listener: refused, quickly.
        await EndsWithinTimeoutAsync<MiTransportException>(() => client.CommandAsync("uptime", Ct));

        // A plain HTTP server on the same port answers the next call through the same client.
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(Ct);
            var buffer = new byte[4096];
            var received = 0;
            while (!System.Text.Encoding.ASCII.GetString(buffer, 0, received).Contains("\"id\":", StringComparison.Ordinal))
            {
                received += await socket.ReceiveAsync(buffer.AsMemory(received), Ct);
            }

            var request = System.Text.Encoding.ASCII.GetString(buffer, 0, received);
            var id = request[(request.IndexOf("\"id\":", StringComparison.Ordinal) + 5)..].TrimEnd('}');
            var body = $"{{\"jsonrpc\":\"2.0\",\"result\":{{\"Up time\":\"1 [sec]\"}},\"id\":{id}}}";
            await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"), Ct);
        }, Ct);

        var response = await client.CommandAsync("uptime", Ct);

        Assert.Equal("1 [sec]", response.GetResult().GetProperty("Up time").GetString());
        await serve;
    }
}
