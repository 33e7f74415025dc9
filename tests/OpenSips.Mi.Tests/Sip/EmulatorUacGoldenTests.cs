using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>The emulator's tm builds the SIP request OpenSIPS 3.6.8 put on the wire for the same t_uac_dlg call.</summary>
public class EmulatorUacGoldenTests
{
    public static TheoryData<string, string> Captures() => new()
    {
        { "t_uac_dlg_notify_check_sync", "t_uac_dlg_notify_check_sync.sip.01.rx" },
        { "t_uac_dlg_notify_check_sync_escaped_crlf", "t_uac_dlg_notify_check_sync_escaped_crlf.sip.01.rx" },
        { "t_uac_dlg_notify_lf_only", "t_uac_dlg_notify_lf_only.sip.01.rx" },
        { "t_uac_dlg_notify_next_hop", "t_uac_dlg_notify_next_hop.sip.01.rx" },
        { "t_uac_dlg_notify_socket", "t_uac_dlg_notify_socket.sip.01.rx" },
        { "t_uac_dlg_mwi", "t_uac_dlg_mwi.sip.01.rx" },
        { "t_uac_dlg_mwi_body_backslash_crlf", "t_uac_dlg_mwi_body_backslash_crlf.sip.01.rx" },
        { "t_uac_dlg_notify_callid_cseq", "t_uac_dlg_notify_callid_cseq.sip.01.rx" },
        { "t_uac_dlg_notify_from_without_tag", "t_uac_dlg_notify_from_without_tag.sip.01.rx" },
        { "t_uac_dlg_notify_subst_contact", "t_uac_dlg_notify_subst_contact.sip.01.rx" },
        { "dg_t_uac_dlg_486", "dg_t_uac_dlg_486.sip.rx.01" },
        { "dg_t_uac_dlg_silent_uas", "dg_t_uac_dlg_silent_uas.sip.rx.01" },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void The_request_equals_the_captured_datagram(string name, string wire)
    {
        var bytes = WireCaptures.ReadBytes($"datagram/{name}.request");
        var request = new MiEmulatorRequest(MiTransport.Datagram, bytes, DateTimeOffset.UtcNow)
        {
            Method = "t_uac_dlg",
            Params = JsonNode.Parse(bytes)!["params"]!.DeepClone(),
            IsParsed = true,
        };
        Assert.Null(UacValidator.Validate(request, ["udp:127.0.0.1:5060"], out var uac));

        var ours = SipUacMessage.Build(uac!, new IPEndPoint(IPAddress.Loopback, 5060), "z9hG4bKabcd.1234abcd.0", "OpenSIPS (3.6.8 (x86_64/linux))");

        Assert.Equal(UdpPhone.Normalize(WireCaptures.ReadText($"datagram/{wire}")), UdpPhone.Normalize(Encoding.UTF8.GetString(ours)));
    }

    [Theory]
    [InlineData("dg_t_uac_dlg_486.sip.tx.01", 486, "486 Busy Here")]
    [InlineData("dg_t_uac_dlg_provisional_then_200.sip.tx.01", 100, "100 Trying")]
    [InlineData("t_uac_dlg_mwi.sip.02.tx", 200, "200 OK")]
    public void Captured_replies_are_read_with_their_branch(string wire, int code, string status)
    {
        var text = WireCaptures.ReadText($"datagram/{wire}");
        Assert.True(SipUacMessage.TryParseReply(text, out var c, out var s, out var message, out var branch));
        Assert.Equal(code, c);
        Assert.Equal(status, s);
        Assert.StartsWith("Via: ", message, StringComparison.Ordinal);
        Assert.StartsWith("z9hG4bK", branch, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sip:bob@127.0.0.1:5080", 5080)]
    [InlineData("sip:127.0.0.1", 5060)]
    [InlineData("sip:bob@localhost:5070;transport=udp", 5070)]
    public void Loopback_destinations_are_used(string uri, int port) =>
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), SipUacMessage.Destination(uri));

    [Theory]
    [InlineData("sip:bob@example.invalid")]
    [InlineData("sip:bob@192.0.2.10:5060")]
    [InlineData("tel:+15550123")]
    public void Nothing_leaves_loopback(string uri) => Assert.Null(SipUacMessage.Destination(uri));
}
