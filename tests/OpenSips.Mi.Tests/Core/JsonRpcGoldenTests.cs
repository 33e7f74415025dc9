using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Core;

/// <summary>Our JSON-RPC bytes against the requests and replies a real OpenSIPS 3.6.8 exchanged.</summary>
public class JsonRpcGoldenTests
{
    public static TheoryData<string> WellFormedRequests()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(WireCaptures.Root, "datagram"), "*.request").Order(StringComparer.Ordinal))
        {
            if (TryReadRequest(File.ReadAllBytes(file), out _, out _, out _))
            {
                data.Add(Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WellFormedRequests))]
    public void Our_request_bytes_equal_the_captured_request(string file)
    {
        var captured = WireCaptures.ReadBytes(Path.Combine("datagram", file));
        Assert.True(TryReadRequest(captured, out var method, out var parameters, out var id));

        var ours = Encode(method, parameters, id);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(captured), JsonNode.Parse(ours)));
        var compact = JsonSerializer.Serialize(JsonNode.Parse(captured));
        if (compact == Encoding.UTF8.GetString(captured))
        {
            Assert.Equal(Encoding.UTF8.GetString(captured), Encoding.UTF8.GetString(ours));
        }
    }

    [Fact]
    public void A_request_without_params_has_no_params_member()
    {
        Assert.Equal("""{"jsonrpc":"2.0","method":"uptime","id":2}""", Encoding.UTF8.GetString(Encode("uptime", MiParams.None, 2)));
    }

    public static TheoryData<string> JsonReplies()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(WireCaptures.Root, "datagram"), "*.response*").Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length > 0 && bytes[0] == (byte)'{' && JsonRpcCodec.TryReadId(bytes, out _))
            {
                data.Add(Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(JsonReplies))]
    public void Every_captured_reply_decodes_to_its_result_or_error(string file)
    {
        var bytes = WireCaptures.ReadBytes(Path.Combine("datagram", file));
        Assert.True(JsonRpcCodec.TryReadId(bytes, out var id));
        var expected = JsonNode.Parse(bytes)!.AsObject();

        var response = JsonRpcCodec.Instance.DecodeResponse("cmd", bytes, id, "mi_datagram");

        if (expected["error"] is JsonObject error)
        {
            Assert.False(response.IsSuccess);
            Assert.Equal((int)error["code"]!, response.Error.Code);
            Assert.Equal((string)error["message"]!, response.Error.Message);
            Assert.Equal((string?)error["data"], response.Error.DataText);
        }
        else
        {
            Assert.True(response.IsSuccess);
            Assert.True(JsonNode.DeepEquals(expected["result"], response.GetResultNode()));
        }
    }

    [Fact]
    public void Usrloc_methods_beyond_int32_decode_as_an_integer()
    {
        var bytes = WireCaptures.ReadBytes("datagram/ul_show_contact_positional.response");
        Assert.True(JsonRpcCodec.TryReadId(bytes, out var id));
        var result = JsonRpcCodec.Instance.DecodeResponse("ul_show_contact", bytes, id, "mi_datagram").GetResult();
        Assert.Equal(4294967295L, result.GetProperty("Contacts")[0].GetProperty("Methods").GetInt64());
    }

    [Fact]
    public void A_reply_with_another_id_is_never_accepted()
    {
        var bytes = WireCaptures.ReadBytes("datagram/uptime.response");
        var ex = Assert.Throws<MiProtocolException>(() => JsonRpcCodec.Instance.DecodeResponse("uptime", bytes, 3, "mi_datagram"));
        Assert.Contains("id 2 is not the request's id 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plain_text_500_on_datagram_explains_the_size_limit()
    {
        var bytes = WireCaptures.ReadBytes("datagram/dg_reply_65457_bytes_too_big.response");
        var ex = Assert.Throws<MiProtocolException>(() => JsonRpcCodec.Instance.DecodeResponse("ul_dump", bytes, 1, "mi_datagram"));
        Assert.Contains("65456-byte limit (65438 bytes when it ends with a numeric id, as this library's do): use mi_http or a narrower command", ex.Message, StringComparison.Ordinal);
        Assert.Equal("500 Internal error", ex.RawReply);
    }

    [Fact]
    public void The_plain_text_parse_error_is_explained()
    {
        var bytes = WireCaptures.ReadBytes("datagram/malformed_json.response");
        var ex = Assert.Throws<MiProtocolException>(() => JsonRpcCodec.Instance.DecodeResponse("uptime", bytes, 1, "mi_datagram"));
        Assert.Contains("could not parse the request", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parse_error_with_id_null_is_returned_as_an_error()
    {
        var bytes = WireCaptures.HttpBody("http/malformed_json.response.http");
        var response = JsonRpcCodec.Instance.DecodeResponse("uptime", bytes, 7, "mi_http");
        Assert.Equal(-32700, response.Error!.Code);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1}""", "neither result nor error")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"jsonrpc":"2.0","result":1}""", "no id")]
    [InlineData("""{"jsonrpc":"2.0","result":1,"id":null}""", "a result with id null")]
    [InlineData("""{"jsonrpc":"2.0","error":{"message":"x"},"id":1}""", "no integer code")]
    [InlineData("""{"jsonrpc":"2.0","result":""", "not valid JSON")]
    public void Malformed_replies_raise_a_protocol_error(string reply, string expected)
    {
        var ex = Assert.Throws<MiProtocolException>(() => JsonRpcCodec.Instance.DecodeResponse("uptime", Encoding.UTF8.GetBytes(reply), 1, "mi_http"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Encode(string method, MiParams parameters, int id)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonRpcCodec.Instance.EncodeRequest(buffer, method, parameters, id);
        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryReadRequest(byte[] bytes, out string method, out MiParams parameters, out int id)
    {
        method = string.Empty;
        parameters = MiParams.None;
        id = 0;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            return false;
        }

        if (node is not JsonObject obj || obj.Any(m => m.Key is not ("jsonrpc" or "method" or "params" or "id")) || (string?)obj["jsonrpc"] != "2.0" || obj["method"] is not JsonValue m || m.GetValueKind() != JsonValueKind.String
            || obj["id"] is not JsonValue i || i.GetValueKind() != JsonValueKind.Number || !i.TryGetValue(out id) || id <= 0)
        {
            return false;
        }

        method = m.GetValue<string>();
        var element = JsonSerializer.SerializeToElement(obj["params"]);
        parameters = element.ValueKind switch
        {
            JsonValueKind.Array when element.GetArrayLength() > 0 => MiParams.Positional([.. element.EnumerateArray().Select(MiValue.FromJson)]),
            JsonValueKind.Object when element.EnumerateObject().Any() => MiParams.FromNamed(element.EnumerateObject().Select(p => new KeyValuePair<string, MiValue>(p.Name, MiValue.FromJson(p.Value)))),
            JsonValueKind.Undefined or JsonValueKind.Null => MiParams.None,
            JsonValueKind.Array or JsonValueKind.Object => MiParams.None,
            _ => null!,
        };
        return parameters is not null && (obj["params"] is null || element.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
            && (element.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object) || element.GetRawText().Length > 2);
    }
}
