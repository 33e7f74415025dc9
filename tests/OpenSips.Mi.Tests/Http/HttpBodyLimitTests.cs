using System.Text;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Http;

/// <summary>
/// What OpenSIPS's httpd does with large request bodies (docs/wire-facts.md#http-body-limit), on both HTTP paths: a body
/// over <see cref="HttpOptions.MaxRequestBodyBytes"/> never leaves the client, a -32700 to a well-formed request names
/// receive_buf_size, and a connection closed without a reply to a large body says so.
/// </summary>
public sealed class HttpBodyLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly byte[] ParseError = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 75\r\n\r\n{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}");

    public static TheoryData<bool> BothPaths() => [false, true];

    /// <summary>The size of the value that makes cache_store's JSON body exactly <paramref name="bodyBytes"/> long.</summary>
    private static string ValueForBody(MiClient client, int bodyBytes)
    {
        // {"jsonrpc":"2.0","method":"cache_store","params":["local","k","…"],"id":N}
        var around = Encoding.UTF8.GetByteCount("{\"jsonrpc\":\"2.0\",\"method\":\"cache_store\",\"params\":[\"local\",\"k\",\"\"],\"id\":}")
            + client.PeekNextId().ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        return new string('v', bodyBytes - around);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_body_of_16000_bytes_is_sent_and_one_byte_more_is_refused_before_sending(bool useHttpClient)
    {
        await using var server = new RawHttpServer((request, _) => RawHttpServer.Reply(request, "\"OK\""));
        await using var client = MiClient.Connect(new HttpOptions(new Uri(server.Url)) { UseHttpClient = useHttpClient });

        var fits = ValueForBody(client, HttpOptions.DefaultMaxRequestBodyBytes);
        Assert.Equal("OK", (await client.CommandAsync("cache_store", MiParams.Positional("local", "k", fits), Ct)).GetResult().GetString());

        var ex = await Assert.ThrowsAsync<MiRequestTooLargeException>(() => client.CommandAsync("cache_store", MiParams.Positional("local", "k", fits + "v"), Ct));

        Assert.Equal(16_001, ex.Size);
        Assert.Equal(16_000, ex.Limit);
        Assert.Contains("16 KB", ex.Message, StringComparison.Ordinal);
        Assert.Contains("receive_buf_size", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRequestBodyBytes", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task The_body_limit_can_be_raised_for_a_proxy_that_takes_more()
    {
        await using var server = new RawHttpServer((request, _) => RawHttpServer.Reply(request, "\"OK\""));
        await using var client = MiClient.Connect(new HttpOptions(new Uri(server.Url)) { MaxRequestBodyBytes = 100_000 });

        var response = await client.CommandAsync("cache_store", MiParams.Positional("local", "k", new string('v', 60_000)), Ct);

        Assert.Equal("OK", response.GetResult().GetString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_body_limit_that_is_not_positive_is_refused(int limit)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MiClient.Connect(new HttpOptions(new Uri("http://127.0.0.1:1/mi")) { MaxRequestBodyBytes = limit }));

        Assert.Equal("MaxRequestBodyBytes", ex.ParamName);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_parse_error_to_a_well_formed_request_is_an_error_naming_receive_buf_size(bool useHttpClient)
    {
        await using var server = new RawHttpServer((_, _) => ParseError);
        await using var client = MiClient.Connect(new HttpOptions(new Uri(server.Url)) { UseHttpClient = useHttpClient });

        var ex = await Assert.ThrowsAsync<MiProtocolException>(() => client.CommandAsync("cache_store", MiParams.Positional("local", "k", new string('v', 3000)), Ct));

        Assert.Contains("-32700", ex.Message, StringComparison.Ordinal);
        Assert.Contains("receive_buf_size", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Encoding.UTF8.GetByteCount(Assert.Single(server.Requests).Split("\r\n\r\n")[1]).ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Contains("Parse error", ex.RawReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_mi_datagram_a_parse_error_stays_an_error_response()
    {
        await using var emulator = await Testing.MiEmulator.StartAsync(cancellationToken: Ct);
        await using var client = MiClient.Connect(emulator.UdpUri);
        emulator.Handle("broken", _ => Testing.MiEmulatorReply.Error(-32700, "Parse error"));

        var response = await client.CommandAsync("broken", Ct);

        Assert.Equal(-32700, response.Error!.Code);
    }

    [Theory]
    [InlineData(20_000, "20", "3.4")]
    [InlineData(500, null, "is httpd serving")]
    public async Task A_connection_closed_without_a_reply_says_whether_the_body_size_is_why(int valueBytes, string? size, string hint)
    {
        await using var server = new RawHttpServer((_, _) => null);
        await using var client = MiClient.Connect(new HttpOptions(new Uri(server.Url)) { MaxRequestBodyBytes = 100_000 });

        var ex = await Assert.ThrowsAsync<MiTransportException>(() => client.CommandAsync("cache_store", MiParams.Positional("local", "k", new string('v', valueBytes)), Ct));

        Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
        Assert.Contains(hint, ex.Message, StringComparison.Ordinal);
        if (size is not null)
        {
            Assert.Contains($"body was {size}", ex.Message, StringComparison.Ordinal);
        }
    }
}
