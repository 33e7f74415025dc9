using System.Text.Json;
using System.Text.Json.Nodes;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>The t_uac_dlg results OpenSIPS 3.6.8 returned, and the SIP replies behind them.</summary>
public class UacResultTests
{
    /// <summary>Result captures and the UAS reply each one carries.</summary>
    public static TheoryData<string, string> ResultsWithReplies() => new()
    {
        { "t_uac_dlg_notify_check_sync", "t_uac_dlg_notify_check_sync.sip.02.tx" },
        { "t_uac_dlg_mwi", "t_uac_dlg_mwi.sip.02.tx" },
        { "t_uac_dlg_notify_next_hop", "t_uac_dlg_notify_next_hop.sip.02.tx" },
        { "t_uac_dlg_notify_socket", "t_uac_dlg_notify_socket.sip.02.tx" },
        { "t_uac_dlg_notify_callid_cseq", "t_uac_dlg_notify_callid_cseq.sip.02.tx" },
        { "t_uac_dlg_notify_from_without_tag", "t_uac_dlg_notify_from_without_tag.sip.02.tx" },
        { "t_uac_dlg_notify_subst_contact", "t_uac_dlg_notify_subst_contact.sip.02.tx" },
        { "dg_t_uac_dlg_486", "dg_t_uac_dlg_486.sip.tx.01" },
        { "dg_t_uac_dlg_481", "dg_t_uac_dlg_481.sip.tx.01" },
        { "dg_t_uac_dlg_provisional_then_200", "dg_t_uac_dlg_provisional_then_200.sip.tx.02" },
    };

    [Theory]
    [MemberData(nameof(ResultsWithReplies))]
    public void The_result_is_the_final_reply_without_its_status_line(string name, string reply)
    {
        var result = UacResult.FromResult(ReadResult(name));
        var wire = WireCaptures.ReadText($"datagram/{reply}");
        var statusLine = wire[..wire.IndexOf("\r\n", StringComparison.Ordinal)];

        Assert.Equal("SIP/2.0 " + result.Status, statusLine);
        Assert.Equal(int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), result.StatusCode);
        Assert.Equal(wire[(statusLine.Length + 2)..], result.RawMessage);
        Assert.True(result.HasReply);
        Assert.Equal(["Via", "From", "To", "Call-ID", "CSeq", "Content-Length"], result.Headers.Select(h => h.Name));
        Assert.StartsWith("<sip:bob@127.0.0.1>;tag=", result.Headers["To"], StringComparison.Ordinal);
        Assert.Equal("0", result.Headers["l"]);
        Assert.Equal(string.Empty, result.Body);
    }

    [Fact]
    public void Busy_here_is_a_result_not_an_error()
    {
        var result = UacResult.FromResult(ReadResult("dg_t_uac_dlg_486"));
        Assert.Equal(486, result.StatusCode);
        Assert.Equal("Busy Here", result.ReasonPhrase);
        Assert.False(result.IsSuccess);
    }

    [Theory]
    [InlineData("dg_t_uac_dlg_silent_uas")]
    [InlineData("dg_t_uac_dlg_timeout_408")]
    public void The_local_timeout_has_no_message(string name)
    {
        var result = UacResult.FromResult(ReadResult(name));
        Assert.Equal(408, result.StatusCode);
        Assert.Equal("Request Timeout", result.ReasonPhrase);
        Assert.Null(result.RawMessage);
        Assert.False(result.HasReply);
        Assert.Empty(result.Headers);
        Assert.Equal(string.Empty, result.Body);
    }

    [Fact]
    public void A_reply_with_a_body_splits_at_the_blank_line()
    {
        var result = UacResult.Parse("200 OK", "Via: x\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nline1\r\n");
        Assert.Equal("text/plain", result.Headers["c"]);
        Assert.Equal("line1\r\n", result.Body);
    }

    [Fact]
    public void The_xmlrpc_message_with_bare_lf_parses_the_same()
    {
        // mi_xmlrpc_ng writes CRLF raw; an XML parser hands it over as LF (docs/wire-facts.md#xmlrpc-crlf).
        var body = WireCaptures.HttpBody("xmlrpc/t_uac_dlg_notify_entity_crlf.response.http");
        var doc = System.Xml.Linq.XDocument.Parse(System.Text.Encoding.UTF8.GetString(body));
        var message = doc.Descendants("member").Single(m => (string?)m.Element("name") == "Message").Element("value")!.Value;

        var result = UacResult.Parse("200 OK", message);

        Assert.DoesNotContain('\r', message);
        Assert.Equal(6, result.Headers.Count);
        Assert.Equal("10 NOTIFY", result.Headers["CSeq"]);
        Assert.Equal(string.Empty, result.Body);
    }

    [Theory]
    [InlineData("""{"Message":"x"}""")]
    [InlineData("""{"Status":200}""")]
    [InlineData("""{"Status":"OK"}""")]
    [InlineData("""{"Status":"200 OK","Message":1}""")]
    [InlineData("\"OK\"")]
    public void Other_shapes_are_protocol_errors(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Throws<MiProtocolException>(() => UacResult.FromResult(doc.RootElement));
    }

    private static JsonElement ReadResult(string name)
    {
        var node = JsonNode.Parse(WireCaptures.ReadBytes($"datagram/{name}.response"))!;
        return JsonSerializer.SerializeToElement(node["result"]);
    }
}
