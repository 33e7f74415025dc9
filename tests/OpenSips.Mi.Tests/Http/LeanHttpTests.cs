using System.Net;
using System.Text;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Http;

/// <summary>
/// The lean mi_http path (plain http, no HttpClient): one write per request, the response framed from the socket, and
/// what a reverse proxy in front of httpd may send besides httpd's own Content-Length replies.
/// </summary>
public sealed class LeanHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_goes_out_as_one_http_11_post_with_the_mi_headers()
    {
        await using var server = new RawHttpServer((request, _) => RawHttpServer.Reply(request, "\"ok\""));
        await using var client = MiClient.Connect(new HttpOptions(new Uri(server.Url))
        {
            Headers = new Dictionary<string, string> { ["X-Token"] = "t0k3n" },
            BasicAuth = new NetworkCredential("mi", "s3cret"),
        });

        Assert.Equal("ok", (await client.CommandAsync("uptime", Ct)).GetResult().GetString());

        var request = Assert.Single(server.Requests);
        var head = request[..request.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        var port = new Uri(server.Url).Port;
        Assert.Equal("POST /mi HTTP/1.1", head[0]);
        Assert.Contains($"Host: 127.0.0.1:{port}", head);
        Assert.Contains("Content-Type: application/json", head);
        Assert.Contains("Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("mi:s3cret")), head);
        Assert.Contains("X-Token: t0k3n", head);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(request[(request.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])}", head);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task A_chunked_reply_from_a_proxy_is_read_whole(int chunk)
    {
        var big = new string('x', 20_000);
        await using var server = new RawHttpServer((request, _) => RawHttpServer.ChunkedReply(request, $"\"{big}\"", chunk));
        await using var client = MiClient.Connect(server.Url);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(big, (await client.CommandAsync("uptime", Ct)).GetResult().GetString());
        }

        Assert.Equal(1, server.Connections);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n")]
    public async Task A_reply_that_ends_the_connection_is_honoured_and_the_next_call_opens_another(string head)
    {
        await using var server = new RawHttpServer((request, _) => RawHttpServer.Reply(request, "1", head));
        await using var client = MiClient.Connect(server.Url);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, (await client.CommandAsync("uptime", Ct)).GetResult().GetInt32());
        }

        Assert.Equal(3, server.Connections);
    }

    [Fact]
    public async Task A_reply_without_length_is_read_to_the_end_of_the_connection()
    {
        await using var server = new RawHttpServer((request, _) => Encoding.UTF8.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{{\"jsonrpc\":\"2.0\",\"result\":\"whole\",\"id\":{RawHttpServer.IdOf(request)}}}"));
        await using var client = MiClient.Connect(server.Url);

        Assert.Equal("whole", (await client.CommandAsync("uptime", Ct)).GetResult().GetString());
        Assert.Equal("whole", (await client.CommandAsync("uptime", Ct)).GetResult().GetString());
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task Connections_are_kept_alive_and_never_more_than_the_calls_in_flight()
    {
        await using var server = new RawHttpServer((request, _) => RawHttpServer.Reply(request, "1"));
        await using var client = MiClient.Connect(server.Url);

        for (var round = 0; round < 20; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.CommandAsync("uptime", Ct)));
        }

        Assert.InRange(server.Connections, 1, 5);
        Assert.Equal(100, server.Requests.Count);
    }

    [Fact]
    public async Task Garbage_instead_of_a_status_line_is_a_protocol_error_and_the_next_call_uses_a_new_connection()
    {
        var first = true;
        await using var server = new RawHttpServer((request, _) =>
        {
            if (first)
            {
                first = false;
                return "SSH-2.0-OpenSSH_9.2\r\n\r\n"u8.ToArray();
            }

            return RawHttpServer.Reply(request, "1");
        });
        await using var client = MiClient.Connect(server.Url);

        var ex = await Assert.ThrowsAsync<MiProtocolException>(() => client.CommandAsync("uptime", Ct));
        Assert.Contains("status line", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await client.CommandAsync("uptime", Ct)).GetResult().GetInt32());
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public void Plain_http_without_an_injected_client_takes_the_lean_path_and_everything_else_HttpClient()
    {
        Assert.True(LeanHttpExchange.Supports(new HttpOptions(new Uri("http://127.0.0.1:8888/mi"))));
        Assert.True(LeanHttpExchange.Supports(new XmlRpcOptions(new Uri("http://127.0.0.1:8888/RPC2"))));
        Assert.False(LeanHttpExchange.Supports(new HttpOptions(new Uri("https://127.0.0.1:8888/mi"))));
        Assert.False(LeanHttpExchange.Supports(new HttpOptions(new Uri("http://127.0.0.1:8888/mi")) { UseHttpClient = true }));
#pragma warning disable CA2000 // The options only carry them.
        Assert.False(LeanHttpExchange.Supports(new HttpOptions(new Uri("http://127.0.0.1:8888/mi")) { HttpMessageHandler = new SocketsHttpHandler() }));
        Assert.False(LeanHttpExchange.Supports(new HttpOptions(new Uri("http://127.0.0.1:8888/mi")) { HttpClient = new HttpClient() }));
#pragma warning restore CA2000
    }
}
