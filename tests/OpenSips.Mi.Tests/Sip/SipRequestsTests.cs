using System.Text.Json.Nodes;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>The phone event and MWI NOTIFYs as t_uac_dlg requests.</summary>
public class SipRequestsTests
{
    /// <summary>The Ruby gem's EVENTNOTIFY table, exactly.</summary>
    public static TheoryData<string, string> Catalogue() => new()
    {
        { "aastra_check_cfg", "check-sync" },
        { "aastra_xml", "aastra-xml" },
        { "digium_check_cfg", "check-sync" },
        { "linksys_cold_restart", "reboot_now" },
        { "linksys_warm_restart", "restart_now" },
        { "polycom_check_cfg", "check-sync" },
        { "sipura_check_cfg", "resync" },
        { "sipura_get_report", "report" },
        { "snom_check_cfg", "check-sync;reboot=false" },
        { "snom_reboot", "check-sync;reboot=true" },
        { "cisco_check_cfg", "check-sync" },
        { "avaya_check_cfg", "check-sync" },
    };

    [Theory]
    [MemberData(nameof(Catalogue))]
    public void Each_catalogue_event_has_its_event_value(string name, string value)
    {
        var phoneEvent = PhoneEvent.FromName(name);
        Assert.Equal(value, phoneEvent.Value);
        Assert.Contains(phoneEvent, PhoneEvent.All);

        var request = SipRequests.EventNotify("sip:alice@127.0.0.1:5066", phoneEvent);
        Assert.Equal("NOTIFY", request.Method);
        Assert.Equal("sip:alice@127.0.0.1:5066", request.RequestUri);
        Assert.Equal(["From", "To", "Event"], request.Headers.Select(h => h.Name));
        Assert.Equal(value, request.Headers["Event"]);
        Assert.Null(request.Body);
    }

    [Fact]
    public void The_catalogue_has_the_twelve_events_in_the_gems_order()
    {
        Assert.Equal(Catalogue().Select(row => (string)row.Data.Item1), PhoneEvent.All.Select(e => e.Name));
        Assert.Throws<ArgumentException>(() => PhoneEvent.FromName("astra_check_cfg_typo"));
    }

    [Fact]
    public void From_gets_a_fresh_random_tag_and_to_has_none()
    {
        var a = SipRequests.EventNotify("sip:alice@127.0.0.1:5066", PhoneEvent.PolycomCheckCfg);
        var b = SipRequests.EventNotify("sip:alice@127.0.0.1:5066", PhoneEvent.PolycomCheckCfg);

        Assert.Equal("<sip:alice@127.0.0.1:5066>", a.Headers["To"]);
        Assert.Matches("^<sip:alice@127.0.0.1:5066>;tag=[0-9a-f]{32}$", a.Headers["From"]);
        Assert.NotEqual(a.Headers["From"], b.Headers["From"]);
    }

    [Fact]
    public void Given_from_and_to_replace_the_generated_ones_and_the_callers_list_is_untouched()
    {
        var mine = new SipHeaders
        {
            { "X-Note", "1" },
            { "f", "<sip:pbx@127.0.0.1>;tag=abc" },
            { "To", "<sip:alice@wanderland.com>" },
        };
        var before = mine.ToHeaderBlock();

        var request = SipRequests.EventNotify("sip:alice@127.0.0.1:5066", PhoneEvent.SnomReboot, mine);

        Assert.Equal("f: <sip:pbx@127.0.0.1>;tag=abc\r\nTo: <sip:alice@wanderland.com>\r\nEvent: check-sync;reboot=true\r\nX-Note: 1\r\n", request.Headers.ToHeaderBlock());
        Assert.Equal(before, mine.ToHeaderBlock());
        Assert.NotSame(mine, request.Headers);
    }

    [Fact]
    public void A_custom_event_is_allowed_but_not_a_second_event_header()
    {
        Assert.Equal("check-sync;reboot=true", SipRequests.EventNotify("sip:a@127.0.0.1", PhoneEvent.Custom("check-sync;reboot=true")).Headers["Event"]);
        Assert.Throws<ArgumentException>(() => PhoneEvent.Custom("a\r\nX: 1"));
        Assert.Throws<ArgumentException>(() => SipRequests.EventNotify("sip:a@127.0.0.1", PhoneEvent.AastraXml, new SipHeaders { { "o", "x" } }));
        Assert.Throws<ArgumentException>(() => SipRequests.EventNotify("alice", PhoneEvent.AastraXml));
    }

    [Fact]
    public void Mwi_builds_the_captured_request()
    {
        var captured = JsonNode.Parse(WireCaptures.ReadBytes("datagram/t_uac_dlg_mwi.request"))!["params"]!;
        var headers = new SipHeaders
        {
            { "From", "<sip:opensips@127.0.0.1>;tag=mi-from-2" },
            { "To", "<sip:bob@127.0.0.1>" },
            { "Contact", "<sip:opensips@127.0.0.1:5060>" },
        };

        var request = SipRequests.MwiUpdate("sip:bob@127.0.0.1:5080", "sip:bob@127.0.0.1", 2, 8, 0, 2, headers);

        Assert.Equal((string)captured["ruri"]!, request.RequestUri);
        Assert.Equal((string)captured["headers"]!, request.Headers.ToHeaderBlock());
        Assert.Equal((string)captured["body"]!, request.Body);
        Assert.Equal(4, request.ToParams().Count);
    }

    [Fact]
    public void Mwi_with_no_new_messages_clears_the_lamp()
    {
        var request = SipRequests.MwiUpdate("sip:alice@127.0.0.1:5060", "sip:*97@voicemail.pbx.com", 0, 3);
        Assert.Equal("Messages-Waiting: no\r\nMessage-Account: sip:*97@voicemail.pbx.com\r\nVoice-Message: 0/3 (0/0)\r\n", request.Body);
        Assert.Equal(["From", "To", "Event", "Subscription-State", "Content-Type"], request.Headers.Select(h => h.Name));
        Assert.Equal("application/simple-message-summary", request.Headers["Content-Type"]);
        Assert.Equal("message-summary", request.Headers["Event"]);
        Assert.Equal("active", request.Headers["Subscription-State"]);
    }

    [Theory]
    [InlineData(-1, 0, 0, 0)]
    [InlineData(0, -1, 0, 0)]
    [InlineData(0, 0, -1, 0)]
    [InlineData(0, 0, 0, -1)]
    public void Negative_counts_are_refused(int n, int o, int un, int uo) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SipRequests.MwiUpdate("sip:a@127.0.0.1", "sip:*97@127.0.0.1", n, o, un, uo));

    [Fact]
    public void Mwi_keeps_a_given_subscription_state_and_refuses_event_or_content_type()
    {
        var request = SipRequests.MwiUpdate("sip:a@127.0.0.1", "sip:*97@127.0.0.1", 1, headers: new SipHeaders { { "Subscription-State", "active;expires=3600" } });
        Assert.Equal(["active;expires=3600"], request.Headers.GetAll("Subscription-State"));
        Assert.Throws<ArgumentException>(() => SipRequests.MwiUpdate("sip:a@127.0.0.1", "sip:*97@127.0.0.1", 1, headers: new SipHeaders { { "c", "text/plain" } }));
        Assert.Throws<ArgumentException>(() => SipRequests.MwiUpdate("sip:a@127.0.0.1", "sip:*97@127.0.0.1\r\nX: 1", 1));
    }
}
