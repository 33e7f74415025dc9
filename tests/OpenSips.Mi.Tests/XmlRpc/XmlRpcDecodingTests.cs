using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Tests.XmlRpc;

public class XmlRpcDecodingTests
{
    /// <summary>Every captured fault and its code; every other captured reply is a result.</summary>
    private static readonly Dictionary<string, (int Code, string Message)> CapturedFaults = new()
    {
        ["array_containing_struct"] = (-32600, "server error. invalid xml-rpc. not conforming to spec."),
        ["get_statistics_two_strings"] = (-32602, "server error. invalid method parameters"),
        ["help_unknown"] = (404, "unknown MI command"),
        ["log_level_bad_name"] = (-32602, "server error. invalid method parameters"),
        ["log_level_bad_type"] = (-32602, "server error. invalid method parameters"),
        ["log_level_boolean"] = (-32600, "server error. invalid xml-rpc. not conforming to spec."),
        ["log_level_double"] = (-32600, "server error. invalid xml-rpc. not conforming to spec."),
        ["log_level_too_many"] = (-32602, "server error. invalid method parameters"),
        ["log_level_untyped_value"] = (-32600, "server error. invalid xml-rpc. not conforming to spec."),
        ["malformed_xml"] = (32700, "parse error. not well formed"),
        ["no_methodname"] = (-32600, "server error. invalid xml-rpc. not conforming to spec."),
        ["not_methodcall"] = (-32600, "server error. invalid xml-rpc. not conforming to spec."),
        ["t_uac_dlg_positional_rejected"] = (-32602, "server error. invalid method parameters"),
        ["ul_show_contact_empty_string"] = (-32600, "server error. invalid xml-rpc. not conforming to spec."),
        ["ul_show_contact_not_found"] = (404, "AOR not found"),
        ["unknown_method"] = (-32601, "server error. requested method not found"),
    };

    public static TheoryData<string> CapturedReplies() => new(WireCaptures.Cases("xmlrpc", ".response.body"));

    [Theory]
    [MemberData(nameof(CapturedReplies))]
    public void Every_captured_reply_decodes_to_a_result_or_the_fault_OpenSIPS_sent(string capture)
    {
        var response = Decode(capture, WireCaptures.ReadBytes($"xmlrpc/{capture}.response.body"));

        if (CapturedFaults.TryGetValue(capture, out var fault))
        {
            Assert.False(response.IsSuccess);
            Assert.Equal(fault.Code, response.Error.Code);
            Assert.Equal(fault.Message, response.Error.Message);
            Assert.Null(response.Error.Data);
        }
        else
        {
            Assert.True(response.IsSuccess, $"{capture}: {response}");
            Assert.Equal(capture == "which" ? JsonValueKind.Array : JsonValueKind.Object, response.GetResult().ValueKind);
        }
    }

    [Fact]
    public void The_fault_table_names_only_captured_replies()
    {
        var captured = WireCaptures.Cases("xmlrpc", ".response.body").ToHashSet();

        Assert.All(CapturedFaults.Keys, name => Assert.Contains(name, captured));
    }

    [Theory]
    [InlineData("ul_show_contact_named")]
    [InlineData("ul_show_contact_positional")]
    public void Ul_show_contact_reads_like_the_JSON_RPC_reply(string capture)
    {
        var result = DecodeCapture(capture).GetResult();
        var contact = result.GetProperty("Contacts")[0];

        Assert.Equal("alice", result.GetProperty("AOR").GetString());
        Assert.Equal(JsonValueKind.Number, contact.GetProperty("Methods").ValueKind);
        Assert.Equal(4294967295L, contact.GetProperty("Methods").GetInt64());
        Assert.Equal("4294967295", contact.GetProperty("Methods").GetRawText());
        Assert.Equal(JsonValueKind.Number, contact.GetProperty("Expires").ValueKind);
        Assert.Equal(JsonValueKind.String, contact.GetProperty("ContactID").ValueKind);
        Assert.Equal(string.Empty, contact.GetProperty("Q").GetString());
        AssertSameShape(JsonRpcResult($"http/{capture}.response.body"), result);
    }

    [Theory]
    [InlineData("which")]
    [InlineData("version")]
    [InlineData("log_level_set_int")]
    public void Stable_results_equal_the_JSON_RPC_results(string capture)
    {
        var http = capture == "log_level_set_int" ? "log_level_set_positional" : capture;

        Assert.Equal(JsonRpcResult($"http/{http}.response.body").GetRawText(), DecodeCapture(capture).GetResult().GetRawText());
    }

    [Theory]
    [InlineData("ps")]
    [InlineData("log_level_get")]
    [InlineData("get_statistics_named")]
    [InlineData("events_list")]
    [InlineData("ul_dump_brief")]
    [InlineData("ul_dump")]
    public void Structured_results_have_the_JSON_RPC_shape(string capture) =>
        AssertSameShape(JsonRpcResult($"http/{capture}.response.body"), DecodeCapture(capture).GetResult());

    [Fact]
    public void Which_is_an_array_of_command_names()
    {
        var which = DecodeCapture("which").GetResult();

        Assert.Equal(JsonValueKind.Array, which.ValueKind);
        Assert.Equal(66, which.GetArrayLength());
        Assert.Contains("uptime", which.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void CRLF_inside_strings_is_kept()
    {
        var result = DecodeCapture("t_uac_dlg_mwi_entity_crlf").GetResult();
        var message = result.GetProperty("Message").GetString()!;

        Assert.Equal("200 OK", result.GetProperty("Status").GetString());
        Assert.StartsWith("Via: SIP/2.0/UDP 127.0.0.1:5060;branch=", message, StringComparison.Ordinal);
        Assert.Contains("\r\nFrom: <sip:opensips@127.0.0.1>;tag=mi-from-2\r\n", message, StringComparison.Ordinal);
        Assert.EndsWith("Content-Length: 0\r\n\r\n", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\r", message, StringComparison.Ordinal);
    }

    [Fact]
    public void CR_written_by_the_encoder_comes_back_unchanged()
    {
        const string text = "a\r\nb\rc\nd  \r\n";
        var reply = Reply($"<value><string>{text.Replace("\r", "&#13;", StringComparison.Ordinal)}</string></value>");

        Assert.Equal(text, Decode("x", reply).GetResult().GetString());
        Assert.Equal(text, Decode("x", Reply($"<value><string>{text}</string></value>")).GetResult().GetString());
    }

    [Theory]
    [InlineData("<int>-7</int>", "-7")]
    [InlineData("<i4>42</i4>", "42")]
    [InlineData("<double>4294967295.000000</double>", "4294967295")]
    [InlineData("<double>-2.000000</double>", "-2")]
    [InlineData("<double>1.500000</double>", "1.5")]
    [InlineData("<double>100000000000000000000.000000</double>", "1E+20")]
    [InlineData("<boolean>1</boolean>", "true")]
    [InlineData("<boolean>0</boolean>", "false")]
    [InlineData("<nil/>", "null")]
    [InlineData("<string></string>", "\"\"")]
    [InlineData("<string/>", "\"\"")]
    [InlineData("<string>  </string>", "\"  \"")]
    [InlineData("untyped &amp; text", "\"untyped \\u0026 text\"")]
    [InlineData("", "\"\"")]
    [InlineData("<string>&lt;a&gt; &quot;q&quot; &#39;s&#39; é</string>", "\"\\u003Ca\\u003E \\u0022q\\u0022 \\u0027s\\u0027 \\u00E9\"")]
    [InlineData("<struct></struct>", "{}")]
    [InlineData("<array><data></data></array>", "[]")]
    [InlineData("<array><data/></array>", "[]")]
    [InlineData("\r\n<struct>\r\n<member>\r\n<name>b</name>\r\n<value><int>1</int></value>\r\n</member><member><name>a</name><value><array><data><value><string>x</string></value><value><nil/></value></data></array></value></member></struct>\r\n", "{\"b\":1,\"a\":[\"x\",null]}")]
    public void Every_XML_RPC_type_decodes_to_its_JSON_counterpart(string value, string json)
    {
        var result = Decode("x", Reply($"<value>{value}</value>")).GetResult();

        Assert.Equal(json, JsonSerializer.Serialize(result));
    }

    [Fact]
    public void The_empty_value_element_is_an_empty_string() =>
        Assert.Equal(string.Empty, Decode("x", Reply("<value/>")).GetResult().GetString());

    public static TheoryData<string, string> HostileOrBrokenReplies() => new()
    {
        {
            "XXE",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE methodResponse [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n" +
            "<methodResponse><params><param><value><string>&xxe;</string></value></param></params></methodResponse>"
        },
        {
            "billion laughs",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" +
            "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n" +
            "<methodResponse><params><param><value><string>&lol3;</string></value></param></params></methodResponse>"
        },
        { "plain text", "500 Internal error" },
        { "empty", "" },
        { "JSON", "{\"jsonrpc\":\"2.0\",\"result\":\"OK\",\"id\":1}" },
        { "truncated", "<?xml version=\"1.0\"?>\r\n<methodResponse>\r\n<params><param>\r\n<value><struct><member><name>a</name>" },
        { "wrong root", "<methodCall><params><param><value><string>a</string></value></param></params></methodCall>" },
        { "no value", "<methodResponse><params></params></methodResponse>" },
        { "unknown type", "<methodResponse><params><param><value><date>x</date></value></param></params></methodResponse>" },
        { "bad int", "<methodResponse><params><param><value><int>abc</int></value></param></params></methodResponse>" },
        { "nan double", "<methodResponse><params><param><value><double>nan</double></value></param></params></methodResponse>" },
        { "text beside a type", "<methodResponse><params><param><value>x<string>a</string></value></param></params></methodResponse>" },
        { "fault without code", "<methodResponse><fault><value><struct><member><name>faultString</name><value><string>x</string></value></member></struct></value></fault></methodResponse>" },
        { "too deep", "<methodResponse><params><param><value>" + string.Concat(Enumerable.Repeat("<array><data><value>", 100)) + "<int>1</int>" + string.Concat(Enumerable.Repeat("</value></data></array>", 100)) + "</value></param></params></methodResponse>" },
    };

    [Theory]
    [MemberData(nameof(HostileOrBrokenReplies))]
    public void Hostile_or_broken_replies_are_refused(string what, string reply)
    {
        var error = Assert.Throws<MiProtocolException>(() => Decode("uptime", Encoding.UTF8.GetBytes(reply)));

        Assert.Contains("mi_xmlrpc_ng", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public void A_DOCTYPE_is_refused_without_being_read()
    {
        var error = Assert.Throws<MiProtocolException>(() => Decode("uptime", Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\"><methodResponse/>")));

        Assert.Contains("DOCTYPE", error.Message, StringComparison.Ordinal);
    }

    private static MiResponse DecodeCapture(string capture) => Decode(capture, WireCaptures.ReadBytes($"xmlrpc/{capture}.response.body"));

    private static MiResponse Decode(string method, byte[] reply) => XmlRpcCodec.Instance.DecodeResponse(method, reply, 0, "mi_xmlrpc_ng");

    private static byte[] Reply(string value) => Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<params><param>\r\n" + value + "</param></params>\r\n</methodResponse>\r\n");

    private static JsonElement JsonRpcResult(string capture)
    {
        using var document = JsonDocument.Parse(WireCaptures.ReadBytes(capture));
        return document.RootElement.GetProperty("result").Clone();
    }

    /// <summary>Same kinds, same member names in the same order, element by element (volatile values such as Expires differ between runs).</summary>
    private static void AssertSameShape(JsonElement expected, JsonElement actual, string path = "$")
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: {expected.ValueKind} expected, {actual.ValueKind} found");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(expected.EnumerateObject().Select(p => p.Name), actual.EnumerateObject().Select(p => p.Name));
                foreach (var property in expected.EnumerateObject())
                {
                    AssertSameShape(property.Value, actual.GetProperty(property.Name), path + "." + property.Name);
                }

                break;
            case JsonValueKind.Array:
                var count = Math.Min(expected.GetArrayLength(), actual.GetArrayLength());
                Assert.True(count > 0 || expected.GetArrayLength() == actual.GetArrayLength(), $"{path}: array lengths differ");
                for (var i = 0; i < count; i++)
                {
                    AssertSameShape(expected[i], actual[i], $"{path}[{i}]");
                }

                break;
            case JsonValueKind.Number:
                Assert.Equal(expected.TryGetInt64(out _), actual.TryGetInt64(out _));
                break;
            default:
                break;
        }
    }
}
