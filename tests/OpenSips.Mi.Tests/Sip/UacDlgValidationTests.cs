using System.Text.Json.Nodes;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>What OpenSIPS refuses (the captured error cases) is refused before sending, naming the header.</summary>
public class UacDlgValidationTests
{
    private static SipHeaders Valid() => new()
    {
        { "From", "<sip:opensips@127.0.0.1>;tag=mi-from-1" },
        { "To", "<sip:bob@127.0.0.1>" },
        { "Event", "check-sync" },
    };

    private static ArgumentException Refused(UacDlgRequest request) => Assert.ThrowsAny<ArgumentException>(request.ToParams);

    /// <summary>Each captured OpenSIPS error, rebuilt from its request, is caught here first.</summary>
    [Theory]
    [InlineData("t_uac_dlg_missing_from", "'From'")]
    [InlineData("t_uac_dlg_body_without_ctype", "'Content-Type'")]
    [InlineData("t_uac_dlg_bad_ruri", "request URI 'bob'")]
    [InlineData("t_uac_dlg_mwi_with_content_length", "'Content-Length'")]
    [InlineData("t_uac_dlg_notify_cseq_mismatch", "'CSeq'")]
    public void Captured_server_errors_are_refused_locally(string name, string expected)
    {
        var p = JsonNode.Parse(WireCaptures.ReadBytes($"datagram/{name}.request"))!["params"]!.AsObject();
        var request = new UacDlgRequest((string)p["method"]!, (string)p["ruri"]!, SipHeaders.Parse((string)p["headers"]!)) { Body = (string?)p["body"] };

        var ex = Refused(request);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        var server = JsonNode.Parse(WireCaptures.ReadBytes($"datagram/{name}.response"))!["error"]!;
        Assert.Equal(400, (int)server["code"]!);
    }

    [Fact]
    public void To_is_required()
    {
        var headers = Valid();
        headers.Remove("To");
        Assert.Contains("'To' is missing", Refused(new UacDlgRequest("NOTIFY", "sip:bob@127.0.0.1", headers)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compact_forms_count_for_from_to_and_content_type()
    {
        var headers = new SipHeaders { { "f", "<sip:a@127.0.0.1>" }, { "t", "<sip:b@127.0.0.1>" }, { "c", "text/plain" } };
        var parameters = new UacDlgRequest("MESSAGE", "sip:b@127.0.0.1", headers) { Body = "hi" }.ToParams();
        Assert.Equal(4, parameters.Count);

        headers.Add("l", "2");
        Assert.Contains("Content-Length", Refused(new UacDlgRequest("MESSAGE", "sip:b@127.0.0.1", headers) { Body = "hi" }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_nl_header_is_refused_with_an_explanation()
    {
        var headers = Valid();
        headers.Add("nl", "1");
        var ex = Refused(new UacDlgRequest("NOTIFY", "sip:bob@127.0.0.1", headers));
        Assert.Contains("'nl'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("body parameter", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NOT IFY")]
    [InlineData("NOTIFY\r\n")]
    [InlineData("")]
    [InlineData("NOTIFY:")]
    public void The_method_must_be_a_token(string method) =>
        Assert.Contains("SIP method", Refused(new UacDlgRequest(method, "sip:bob@127.0.0.1", Valid())).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("sip:bob@127.0.0.1:5080")]
    [InlineData("sip:127.0.0.1")]
    [InlineData("SIP:bob@Example.COM")]
    [InlineData("sips:bob@example.com:5061;transport=tls")]
    [InlineData("sip:bob;phone-context=x@127.0.0.1;user=phone")]
    [InlineData("sip:bob:secret@127.0.0.1")]
    [InlineData("sip:bob@[::1]:5060")]
    [InlineData("sip:bob@127.0.0.1?Subject=hi")]
    [InlineData("tel:+1-201-555-0123")]
    [InlineData("tel:7042;phone-context=example.com")]
    public void Valid_request_uris_pass(string uri) =>
        Assert.Equal(3, new UacDlgRequest("NOTIFY", uri, Valid()).ToParams().Count);

    [Theory]
    [InlineData("bob")]
    [InlineData("http://example.com/")]
    [InlineData("sip:")]
    [InlineData("sip:@127.0.0.1")]
    [InlineData("sip:bob@127.0.0.1:99999")]
    [InlineData("sip:bob@127.0.0.1:")]
    [InlineData("<sip:bob@127.0.0.1>")]
    [InlineData("sip:bob @127.0.0.1")]
    [InlineData("sip:bob@127.0.0.1\r\nX: 1")]
    [InlineData("sip:bob@[::1")]
    [InlineData("sip:bob@exa_mple.com")]
    [InlineData("tel:")]
    [InlineData("tel:+1 555")]
    public void Invalid_request_uris_are_refused(string uri) =>
        Assert.Contains("request URI", Refused(new UacDlgRequest("NOTIFY", uri, Valid())).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("sip:127.0.0.1:5080", true)]
    [InlineData("sips:proxy.example.com", true)]
    [InlineData("127.0.0.1:5080", false)]
    [InlineData("tel:+15550123", false)]
    public void The_next_hop_must_be_a_sip_uri(string hop, bool ok)
    {
        var request = new UacDlgRequest("NOTIFY", "sip:bob@example.invalid", Valid()) { NextHop = hop };
        if (ok)
        {
            Assert.Equal(4, request.ToParams().Count);
        }
        else
        {
            Assert.Contains("next hop", Refused(request).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("udp:127.0.0.1:5060", true)]
    [InlineData("tcp:[::1]:5060", true)]
    [InlineData("UDP:sip.example.com", true)]
    [InlineData("127.0.0.1:5060", false)]
    [InlineData("udp:127.0.0.1:x", false)]
    [InlineData("foo:127.0.0.1:5060", false)]
    public void The_socket_must_be_proto_host_port(string socket, bool ok)
    {
        var request = new UacDlgRequest("NOTIFY", "sip:bob@127.0.0.1", Valid()) { Socket = socket };
        if (ok)
        {
            Assert.Equal(4, request.ToParams().Count);
        }
        else
        {
            Assert.Contains("local socket", Refused(request).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_matching_cseq_is_accepted_and_a_malformed_one_refused()
    {
        var headers = Valid();
        headers.Add("CSeq", "7 NOTIFY");
        Assert.Equal(3, new UacDlgRequest("NOTIFY", "sip:bob@127.0.0.1", headers).ToParams().Count);
        headers.Set("CSeq", "seven NOTIFY");
        Assert.Contains("'CSeq'", Refused(new UacDlgRequest("NOTIFY", "sip:bob@127.0.0.1", headers)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_given_optional_parameters_are_sent_and_the_body_is_verbatim()
    {
        var headers = Valid();
        headers.Add("Content-Type", "text/plain");
        var body = "a\\r\\nb\r\nc";
        var parameters = new UacDlgRequest("NOTIFY", "sip:bob@127.0.0.1", headers) { Body = body }.ToParams();

        Assert.Equal(MiParamsKind.Named, parameters.Kind);
        Assert.Equal(["method", "ruri", "headers", "body"], parameters.Members.Select(m => m.Key));
        Assert.Equal(body, parameters.Members[3].Value.AsString);
    }

    [Fact]
    public void A_body_with_nul_is_refused()
    {
        var headers = Valid();
        headers.Add("Content-Type", "text/plain");
        Assert.Contains("NUL", Refused(new UacDlgRequest("NOTIFY", "sip:bob@127.0.0.1", headers) { Body = "a\0b" }).Message, StringComparison.Ordinal);
    }
}
