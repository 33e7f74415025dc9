using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;

namespace OpenSips.Mi.IntegrationTests.Limits;

/// <summary>
/// The size limits the library enforces or explains, against what a real server accepts: the largest request the
/// library sends is answered, one byte more is refused before sending; a reply too large for a datagram is a clear
/// error while the same command over mi_http works.
/// </summary>
public abstract class SizeLimitTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Theory]
    [InlineData(MiTransportKind.Udp)]
    [InlineData(MiTransportKind.Unix)]
    [InlineData(MiTransportKind.Fifo)]
    public async Task The_largest_request_the_library_sends_is_answered_and_one_byte_more_is_refused_before_sending(MiTransportKind transport)
    {
        await using var mi = Servers.Connect(transport);
        var key = "limit-" + Guid.NewGuid().ToString("N")[..8];

        // The refusal tells how big the encoded request was: size the value so the next request is exactly at the limit.
        // The id of the next call may have one digit more, so try again when the first exact attempt is one byte over.
        MiResponse? stored = null;
        var valueLength = 0;
        for (var attempt = 0; attempt < 3 && stored is null; attempt++)
        {
            var probe = await Assert.ThrowsAsync<MiRequestTooLargeException>(() => Store(mi, key, new string('v', 70_000)));
            valueLength = 70_000 - (probe.Size - probe.Limit);
            try
            {
                stored = await Store(mi, key, new string('v', valueLength));
            }
            catch (MiRequestTooLargeException)
            {
            }
        }

        // The server took the request whole: it answered "OK" (a request it cannot read is answered 400 Parse_error on
        // mi_datagram and not at all on mi_fifo). Reading the value back is another limit: the reply to cache_fetch would
        // be too large for a datagram.
        Assert.NotNull(stored);
        Assert.Equal("OK", stored.GetResult().GetString());

        var tooLarge = await Assert.ThrowsAsync<MiRequestTooLargeException>(() => Store(mi, key, new string('w', valueLength + 1)));
        Assert.Equal(tooLarge.Limit + 1, tooLarge.Size);
        (await mi.CommandAsync("cache_remove", MiParams.Positional("local", key), Ct)).EnsureSuccess();
    }

    [Fact]
    public async Task A_reply_too_large_for_a_datagram_is_a_protocol_error_naming_the_limit_while_mi_http_returns_it()
    {
        await using var http = Servers.Connect(MiTransportKind.Http);
        await using var udp = Servers.Connect(MiTransportKind.Udp);
        var prefix = "big" + Guid.NewGuid().ToString("N")[..6] + "-";
        const int Aors = 300;
        try
        {
            for (var i = 0; i < Aors; i++)
            {
                var aor = prefix + i.ToString("000", CultureInfo.InvariantCulture);
                await http.UlAddAsync("location", aor, $"sip:{aor}@127.0.0.1:5999;transport=udp;some-long-parameter=padding-padding-padding", TimeSpan.FromMinutes(10), cancellationToken: Ct);
            }

            var ex = await Assert.ThrowsAsync<MiProtocolException>(() => udp.CommandAsync("ul_dump", Ct));
            Assert.Contains("65456", ex.Message, StringComparison.Ordinal);
            Assert.Equal("500 Internal error", ex.RawReply);

            var dump = await http.UlDumpAsync(Ct);
            Assert.True(dump.Domains[0].Aors.Count(a => a.Aor?.StartsWith(prefix, StringComparison.Ordinal) == true) == Aors);
        }
        finally
        {
            for (var i = 0; i < Aors; i++)
            {
                await http.CommandAsync("ul_rm", MiParams.Positional("location", prefix + i.ToString("000", CultureInfo.InvariantCulture)), CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task An_http_body_over_what_mi_http_takes_is_an_error_that_says_why()
    {
        await using var http = Servers.Connect(MiTransportKind.Http);
        var key = "body-" + Guid.NewGuid().ToString("N")[..8];

        // Over ~16 KB httpd never answers (3.6 and later) or drops the connection (3.4): the client refuses it before sending.
        var refused = await Assert.ThrowsAsync<MiRequestTooLargeException>(() => Store(http, key, new string('x', 20_000)));
        Assert.Equal(HttpOptions.DefaultMaxRequestBodyBytes, refused.Limit);

        if (Servers.Main.Installation.HasHttpReceiveBufferSize)
        {
            // 3.6 and later: over httpd's receive_buf_size (8192 in the fixture) is a 400 whose body never ends.
            var ex = await Assert.ThrowsAsync<MiProtocolException>(() => Store(http, key, new string('x', 9000)));
            Assert.Contains("receive_buf_size", ex.Message, StringComparison.Ordinal);

            // With the client's limit lifted, a body over ~16 KB gets no answer at all: the call ends at its timeout.
            await using var unlimited = MiClient.Connect((HttpOptions)Servers.Options(MiTransportKind.Http) with { MaxRequestBodyBytes = int.MaxValue, Timeout = TimeSpan.FromSeconds(2) });
            await Assert.ThrowsAsync<MiTimeoutException>(() => Store(unlimited, key, new string('x', 20_000)));
        }
        else
        {
            // 3.4 has no such setting: libmicrohttpd hands httpd at most ~16 KB at once and a larger body is dropped with the connection.
            await using var unlimited = MiClient.Connect((HttpOptions)Servers.Options(MiTransportKind.Http) with { MaxRequestBodyBytes = int.MaxValue });
            var ex = await Assert.ThrowsAsync<MiTransportException>(() => Store(unlimited, key, new string('x', 20_000)));
            Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
            Assert.Contains("3.4", ex.Message, StringComparison.Ordinal);
        }

        (await Store(http, key, "fits")).EnsureSuccess();
    }

    [Theory]
    [InlineData(65438, true)]
    [InlineData(65439, false)]
    public async Task With_a_numeric_id_a_datagram_reply_over_65438_bytes_becomes_500_Internal_error(int replyBytes, bool fits)
    {
        // Raw bytes, as the emulator's DatagramLimitsTests send them: the reply {"jsonrpc":"2.0","result":{"key":"K","value":"V"},"id":7}.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(IPAddress.Loopback, Servers.Main.Ports.MiDatagram);
        var key = "r" + Guid.NewGuid().ToString("N")[..7];
        var value = new string('v', replyBytes - $"{{\"jsonrpc\":\"2.0\",\"result\":{{\"key\":\"{key}\",\"value\":\"\"}},\"id\":7}}".Length);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"OK\",\"id\":1}", await RawAsync(socket, $"{{\"jsonrpc\":\"2.0\",\"method\":\"cache_store\",\"params\":[\"local\",\"{key}\",\"{value}\"],\"id\":1}}"));
        var reply = await RawAsync(socket, $"{{\"jsonrpc\":\"2.0\",\"method\":\"cache_fetch\",\"params\":[\"local\",\"{key}\"],\"id\":7}}");
        await RawAsync(socket, $"{{\"jsonrpc\":\"2.0\",\"method\":\"cache_remove\",\"params\":[\"local\",\"{key}\"],\"id\":2}}");

        if (fits)
        {
            Assert.Equal(replyBytes, reply.Length);
        }
        else
        {
            Assert.Equal("500 Internal error", reply);
        }
    }

    private static async Task<string> RawAsync(Socket socket, string request)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), Ct);
        var buffer = new byte[65536];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        wait.CancelAfter(TimeSpan.FromSeconds(5));
        var length = await socket.ReceiveAsync(buffer, wait.Token);
        return Encoding.ASCII.GetString(buffer, 0, length);
    }

    private static Task<MiResponse> Store(MiClient mi, string key, string value) =>
        mi.CommandAsync("cache_store", MiParams.Positional("local", key, value), Ct);
}

[Collection(V34.Name)]
public sealed class SizeLimits34(Servers34 servers) : SizeLimitTests<Servers34>(servers);

[Collection(V36.Name)]
public sealed class SizeLimits36(Servers36 servers) : SizeLimitTests<Servers36>(servers);

[Collection(V40.Name)]
public sealed class SizeLimits40(Servers40 servers) : SizeLimitTests<Servers40>(servers);
