using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>Header building and request encoding against the t_uac_dlg requests sent to OpenSIPS 3.6.8.</summary>
public class SipHeadersTests
{
    /// <summary>Captured requests whose headers are proper CRLF lines (the escaped, LF-only and unterminated cases are deliberately malformed).</summary>
    public static TheoryData<string> WellFormedCapturedRequests() =>
    [
        "t_uac_dlg_notify_check_sync", "t_uac_dlg_mwi", "t_uac_dlg_notify_next_hop", "t_uac_dlg_notify_socket",
        "t_uac_dlg_notify_subst_contact", "t_uac_dlg_notify_callid_cseq", "t_uac_dlg_notify_from_without_tag",
        "t_uac_dlg_notify_bad_socket", "dg_t_uac_dlg_486", "dg_t_uac_dlg_timeout_408",
    ];

    [Theory]
    [MemberData(nameof(WellFormedCapturedRequests))]
    public void Our_request_bytes_equal_the_captured_t_uac_dlg_request(string name)
    {
        var captured = WireCaptures.ReadBytes($"datagram/{name}.request");
        var json = JsonNode.Parse(captured)!.AsObject();
        var p = json["params"]!.AsObject();
        var headers = SipHeaders.Parse((string)p["headers"]!);
        var request = new UacDlgRequest((string)p["method"]!, (string)p["ruri"]!, headers)
        {
            NextHop = (string?)p["next_hop"],
            Socket = (string?)p["socket"],
            Body = (string?)p["body"],
        };

        // Same header block, byte for byte, from the parsed lines.
        Assert.Equal((string)p["headers"]!, headers.ToHeaderBlock());

        var buffer = new ArrayBufferWriter<byte>();
        JsonRpcCodec.Instance.EncodeRequest(buffer, "t_uac_dlg", request.ToParams(), (int)json["id"]!);
        var ours = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();

        // Same members (the capture's member order differs for socket/next_hop, which OpenSIPS ignores).
        Assert.Equal(p.Select(m => m.Key).Order(StringComparer.Ordinal), ours["params"]!.AsObject().Select(m => m.Key).Order(StringComparer.Ordinal));
        Assert.True(JsonNode.DeepEquals(json, ours), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void The_check_sync_headers_built_by_hand_are_the_captured_string()
    {
        var headers = new SipHeaders
        {
            { "From", "<sip:opensips@127.0.0.1>;tag=mi-from-1" },
            { "To", "<sip:bob@127.0.0.1>" },
            { "Event", "check-sync" },
            { "Subscription-State", "active" },
            { "Contact", "<sip:opensips@127.0.0.1:5060>" },
        };
        var captured = JsonNode.Parse(WireCaptures.ReadBytes("datagram/t_uac_dlg_notify_check_sync.request"))!["params"]!["headers"]!.GetValue<string>();

        Assert.Equal(captured, headers.ToHeaderBlock());
        Assert.EndsWith("\r\n", headers.ToHeaderBlock(), StringComparison.Ordinal);
        Assert.DoesNotContain("\r\n\r\n", headers.ToHeaderBlock(), StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_names_are_kept_in_order_and_lookups_ignore_case_and_compact_forms()
    {
        var headers = new SipHeaders
        {
            { "f", "<sip:a@127.0.0.1>;tag=1" },
            { "Route", "<sip:p1@127.0.0.1;lr>" },
            { "t", "<sip:b@127.0.0.1>" },
            { "route", "<sip:p2@127.0.0.1;lr>" },
        };

        Assert.Equal(4, headers.Count);
        Assert.Equal(["<sip:p1@127.0.0.1;lr>", "<sip:p2@127.0.0.1;lr>"], headers.GetAll("ROUTE"));
        Assert.True(headers.Contains("From"));
        Assert.True(headers.Contains("TO"));
        Assert.Equal("<sip:a@127.0.0.1>;tag=1", headers["from"]);
        Assert.Equal("f: <sip:a@127.0.0.1>;tag=1\r\nRoute: <sip:p1@127.0.0.1;lr>\r\nt: <sip:b@127.0.0.1>\r\nroute: <sip:p2@127.0.0.1;lr>\r\n", headers.ToHeaderBlock());

        headers.Set("Route", "<sip:p3@127.0.0.1;lr>");
        Assert.Equal(["<sip:p3@127.0.0.1;lr>"], headers.GetAll("Route"));
        Assert.Equal("Route", headers[1].Name);
        Assert.Equal(1, headers.Remove("From"));
        Assert.False(headers.Contains("f"));
    }

    [Fact]
    public void A_dictionary_converts_in_order_and_the_bang_bang_placeholder_passes_through()
    {
        SipHeaders headers = new Dictionary<string, string>
        {
            ["From"] = "<sip:opensips@127.0.0.1>;tag=mi-from-3",
            ["To"] = "<sip:bob@127.0.0.1>",
            ["Event"] = "check-sync",
            ["Contact"] = "<sip:opensips@!!>",
        };
        var captured = JsonNode.Parse(WireCaptures.ReadBytes("datagram/t_uac_dlg_notify_subst_contact.request"))!["params"]!["headers"]!.GetValue<string>();

        Assert.Equal(captured, headers.ToHeaderBlock());
    }

    [Theory]
    [InlineData("Event", "check-sync\r\nX-Evil: 1", "carriage return")]
    [InlineData("Event", "check-sync\nX-Evil: 1", "line feed")]
    [InlineData("Event", "check\0sync", "NUL")]
    [InlineData("Event", "check-sync\\r\\nX-Evil: 1", "escape")]
    [InlineData("Event", "check-sync\\NX-Evil: 1", "escape")]
    [InlineData("X Bad", "1", "not a SIP token")]
    [InlineData("X-Bad:", "1", "not a SIP token")]
    [InlineData("", "1", "not a SIP token")]
    [InlineData("X-Ünicode", "1", "not a SIP token")]
    public void Injection_and_bad_names_are_refused_when_added(string name, string value, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new SipHeaders { { name, value } });
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_reads_crlf_lf_and_folded_lines_up_to_the_blank_line()
    {
        var headers = SipHeaders.Parse("Via: SIP/2.0/UDP 127.0.0.1:5060\nSubject: a\r\n  b\r\nno colon here\r\nX:1\r\n\r\nBody: not a header\r\n");

        Assert.Equal(["Via", "Subject", "X"], headers.Select(h => h.Name));
        Assert.Equal("a b", headers["Subject"]);
        Assert.Equal("1", headers["X"]);
    }

    [Fact]
    public void Clone_is_independent()
    {
        var headers = new SipHeaders { { "From", "<sip:a@127.0.0.1>" } };
        var copy = headers.Clone();
        copy.Add("To", "<sip:b@127.0.0.1>");
        Assert.Single(headers);
        Assert.Equal(2, copy.Count);
    }
}
