using System.Text;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Properties;

/// <summary>Inputs the property tests and fuzzers found, kept as plain tests.</summary>
public sealed class RegressionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":{}},"id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":"-32601","message":"x"},"id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":[1]},"id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":null},"id":null}""")]
    public void An_error_code_that_is_not_a_number_is_a_protocol_error(string reply)
    {
        // Found by Json_rpc_decoder_throws_only_protocol_errors_on_any_bytes: JsonElement.TryGetInt32 threw InvalidOperationException.
        var ex = Assert.Throws<MiProtocolException>(() => JsonRpcCodec.Instance.DecodeResponse("m", Encoding.UTF8.GetBytes(reply), 1, "mi_http"));

        Assert.Contains("no integer code", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_reply_is_read_as_replacement_characters_not_an_exception()
    {
        // Found by Json_rpc_decoder_throws_only_protocol_errors_on_any_bytes: JsonElement.GetRawText threw InvalidOperationException.
        var result = JsonRpcCodec.Instance.DecodeResponse("m", Latin1("{\"jsonrpc\":\"2.0\",\"result\":\"a\u00B0b\",\"id\":1}"), 1, "mi_http");
        Assert.Equal("a\uFFFDb", result.GetResult().GetString());

        Assert.Throws<MiProtocolException>(() => JsonRpcCodec.Instance.DecodeResponse("m", Latin1("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"\u00B0\"}"), 1, "mi_http"));
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    [Fact]
    public async Task A_lone_surrogate_in_a_name_is_refused_before_sending()
    {
        // Found by Json_rpc_any_text_is_encoded_or_refused_with_an_argument_exception: a parameter name with an unpaired
        // surrogate went out as "\ud81b", which OpenSIPS cannot parse (and over mi_fifo never answers).
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUnix = false, EnableFifo = false }, Ct);
        await using var client = MiClient.Connect(emulator.UdpUri);
        emulator.Handle("echo", request => MiEmulatorReply.Result(request.Params?.DeepClone()));

        Assert.Throws<ArgumentException>(() => MiParams.Named(("\ud81b", 1)));
        Assert.Throws<ArgumentException>(() => MiValue.Object(("a\udc00b", 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CommandAsync("up\ud800time", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CommandAsync("echo", MiParams.Positional("x\udfff"), Ct));

        Assert.Empty(emulator.Received);

        // Paired surrogates are fine.
        Assert.True((await client.CommandAsync("echo", MiParams.Named(("😀", "ok")), Ct)).IsSuccess);
    }
}
