using System.Buffers;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace OpenSips.Mi.Tests.XmlRpc;

public class XmlRpcEncodingTests
{
    private const string MwiHeaders =
        "From: <sip:opensips@127.0.0.1>;tag=mi-from-2\r\nTo: <sip:bob@127.0.0.1>\r\nEvent: message-summary\r\n" +
        "Subscription-State: active\r\nContent-Type: application/simple-message-summary\r\nContact: <sip:opensips@127.0.0.1:5060>\r\n";

    private const string MwiBody = "Messages-Waiting: yes\r\nMessage-Account: sip:bob@127.0.0.1\r\nVoice-Message: 2/8 (0/2)\r\n";

    private const string CheckSyncHeaders =
        "From: <sip:opensips@127.0.0.1>;tag=mi-from-1\r\nTo: <sip:bob@127.0.0.1>\r\nEvent: check-sync\r\n" +
        "Subscription-State: active\r\nContact: <sip:opensips@127.0.0.1:5060>\r\n";

    public static TheoryData<string, string, MiParams> CapturedRequests() => new()
    {
        { "get_statistics_named", "get_statistics", MiParams.Named(("statistics", new[] { "dialog:", "tm:" })) },
        { "get_statistics_positional", "get_statistics", MiParams.Positional(new[] { "dialog:", "tm:" }) },
        { "get_statistics_two_strings", "get_statistics", MiParams.Positional("dialog:", "tm:") },
        { "log_level_set_int", "log_level", MiParams.Positional(3) },
        { "log_level_set_string", "log_level", MiParams.Positional("3") },
        { "log_level_bad_name", "log_level", MiParams.Named(("lvl", 3)) },
        { "log_level_too_many", "log_level", MiParams.Positional(3, 1, 2) },
        { "help_unknown", "help", MiParams.Positional("nosuch") },
        { "ul_show_contact_named", "ul_show_contact", MiParams.Named(("table_name", "location"), ("aor", "alice")) },
        { "ul_show_contact_positional", "ul_show_contact", MiParams.Positional("location", "alice") },
        { "empty_params", "uptime", MiParams.None },
        {
            "t_uac_dlg_mwi_entity_crlf", "t_uac_dlg",
            MiParams.Named(("method", "NOTIFY"), ("ruri", "sip:bob@127.0.0.1:5080"), ("headers", MwiHeaders), ("body", MwiBody))
        },
        {
            "t_uac_dlg_notify_entity_crlf", "t_uac_dlg",
            MiParams.Named(("method", "NOTIFY"), ("ruri", "sip:bob@127.0.0.1:5080"), ("headers", CheckSyncHeaders))
        },
    };

    [Theory]
    [MemberData(nameof(CapturedRequests))]
    public void Encoding_matches_the_captured_request(string capture, string method, MiParams parameters)
    {
        var ours = Encode(method, parameters);
        var captured = WireCaptures.HttpBody($"xmlrpc/{capture}.request.http");

        Assert.Equal(Canonical(captured), Canonical(ours));
    }

    [Fact]
    public void Encoding_is_byte_identical_to_a_captured_request()
    {
        var ours = Encode("ul_show_contact", MiParams.Named(("table_name", "location"), ("aor", "alice")));

        Assert.Equal(WireCaptures.HttpBody("xmlrpc/ul_show_contact_named.request.http"), ours);
    }

    [Fact]
    public void CR_is_written_as_a_character_reference_so_CRLF_survives_parsing()
    {
        var xml = Encoding.UTF8.GetString(Encode("t_uac_dlg", MiParams.Named(("headers", "A: 1\r\nB: 2\rC: 3\n"))));

        Assert.Contains("A: 1&#13;\nB: 2&#13;C: 3\n", xml, StringComparison.Ordinal);
        Assert.Equal("A: 1\r\nB: 2\rC: 3\n", ParseWithNormalizingReader(xml).Descendants("string").Single().Value);
    }

    [Fact]
    public void Markup_characters_are_escaped_and_round_trip()
    {
        const string tricky = "a<b>&c \"q\" 'x' ]]> é 😀";
        var xml = Encoding.UTF8.GetString(Encode("cmd", MiParams.Positional(tricky)));

        Assert.Equal(tricky, ParseWithNormalizingReader(xml).Descendants("string").Single().Value);
    }

    [Fact]
    public void Int32_bounds_are_accepted()
    {
        var xml = Encoding.UTF8.GetString(Encode("cmd", MiParams.Positional(int.MinValue, int.MaxValue)));

        Assert.Contains("<int>-2147483648</int>", xml, StringComparison.Ordinal);
        Assert.Contains("<int>2147483647</int>", xml, StringComparison.Ordinal);
    }

    public static TheoryData<string, MiParams, string> RefusedParams() => new()
    {
        { "empty string", MiParams.Positional(""), "empty string for parameter #1" },
        { "empty string in struct", MiParams.Named(("aor", "")), "empty string for parameter 'aor'" },
        { "empty string in array", MiParams.Positional(new[] { "dialog:", "" }), "element 2 of parameter #1" },
        { "null", MiParams.Named(("x", MiValue.Null)), "null for parameter 'x'" },
        { "boolean", MiParams.Positional(true), "boolean" },
        { "double", MiParams.Positional(1.5), "floating-point" },
        { "integral double", MiParams.Positional(MiValue.FromDouble(3.0)), "floating-point" },
        { "integer over int32", MiParams.Positional(4294967295L), "32-bit" },
        { "integer under int32", MiParams.Named(("level", (long)int.MinValue - 1)), "parameter 'level'" },
        { "object", MiParams.Positional(MiValue.Object(("a", "b"))), "object" },
        { "nested struct", MiParams.Named(("outer", MiValue.Object(("a", "b")))), "nested structs" },
        { "struct inside array", MiParams.Positional(MiValue.Array(MiValue.Object(("a", "b")))), "struct inside an array" },
        { "array inside array", MiParams.Positional(MiValue.Array(MiValue.Array("a"))), "array inside an array" },
        { "boolean inside array", MiParams.Positional(MiValue.Array(true)), "boolean" },
        { "NUL character", MiParams.Positional("a\0b"), "U+0000" },
        { "control character", MiParams.Named(("h", "a\u001Bb")), "U+001B" },
        // A lone surrogate never gets this far: MiValue.FromString refuses it for every transport (Properties/RegressionTests).
        { "U+FFFF", MiParams.Positional("a\uFFFF"), "U+FFFF" },
    };

    [Theory]
    [MemberData(nameof(RefusedParams))]
    public void Values_OpenSIPS_cannot_read_are_refused_before_anything_is_written(string what, MiParams parameters, string expected)
    {
        var output = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<ArgumentException>(() => XmlRpcCodec.Instance.EncodeRequest(output, "cmd", parameters, 1));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("mi_xmlrpc_ng", error.Message, StringComparison.Ordinal);
        Assert.True(output.WrittenCount == 0, what + ": nothing may be written");
    }

    [Fact]
    public async Task A_refused_value_fails_the_call_before_sending()
    {
        var handler = new CountingHandler();
        await using var client = MiClient.Connect(new XmlRpcOptions(new Uri("http://127.0.0.1:1/RPC2")) { HttpMessageHandler = handler });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CommandAsync("ul_show_contact", MiParams.Positional("location", ""), TestContext.Current.CancellationToken));

        Assert.Contains("use mi_http or mi_datagram", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Requests);
    }

    private static byte[] Encode(string method, MiParams parameters)
    {
        var output = new ArrayBufferWriter<byte>();
        XmlRpcCodec.Instance.EncodeRequest(output, method, parameters, 42);
        return output.WrittenSpan.ToArray();
    }

    private static XDocument ParseWithNormalizingReader(string xml)
    {
        // What a conforming server does: CRLF in raw text becomes LF, &#13; stays CR.
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XDocument.Load(reader);
    }

    /// <summary>Elements and text only; &lt;a/&gt; equals &lt;a&gt;&lt;/a&gt;; the XML declaration is ignored.</summary>
    private static string Canonical(byte[] xml)
    {
        var doc = ParseWithNormalizingReader(Encoding.UTF8.GetString(xml));
        var text = new StringBuilder();
        Write(doc.Root!);
        return text.ToString();

        void Write(XElement element)
        {
            text.Append('<').Append(element.Name.LocalName).Append('>');
            foreach (var node in element.Nodes())
            {
                if (node is XElement child)
                {
                    Write(child);
                }
                else if (node is XText t)
                {
                    text.Append(t.Value.Replace("\r", "\\r", StringComparison.Ordinal));
                }
            }

            text.Append("</").Append(element.Name.LocalName).Append('>');
        }
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError));
        }
    }
}
