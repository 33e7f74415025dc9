using OpenSips.Mi.Sip;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Docs.Tests.Snippets;

public static class SipSnippets
{
    [Runs]
    public static async Task UacDlg(MiClient mi)
    {
        #region sip-uacdlg
        // Ruby: opensips.uac_dlg "NOTIFY", "sip:alice@127.0.0.1:5066", { "From" => …, "To" => …, "Event" => "check-sync" }
        UacResult result = await mi.UacDlgAsync("NOTIFY", "sip:alice@127.0.0.1:5066", new SipHeaders
        {
            { "From", "<sip:alice@wanderland.com>;tag=8755a8d01a12f7e903a6f4ccaf393f04" },
            { "To", "<sip:alice@wanderland.com>" },
            { "Event", "check-sync" },
        });

        Console.WriteLine(result.StatusCode);          // 200
        Console.WriteLine(result.ReasonPhrase);        // OK
        Console.WriteLine(result.Headers["To"]);       // <sip:alice@wanderland.com>;tag=…  (the phone's To tag)
        #endregion

        Assert.Equal(200, result.StatusCode);
    }

    [Runs]
    public static async Task Message(MiClient mi)
    {
        #region sip-message-body
        UacResult result = await mi.UacDlgAsync("MESSAGE", "sip:bob@192.0.2.10", new SipHeaders
        {
            { "From", "<sip:pbx@192.0.2.1>" },
            { "To", "<sip:bob@192.0.2.10>" },
            { "Content-Type", "text/plain" },
        }, nextHop: "sip:192.0.2.1:5060", body: "Lunch?");
        #endregion

        Assert.True(result.IsSuccess);
    }

    [Runs]
    public static async Task Refused(MiClient mi)
    {
        #region sip-refused
        try
        {
            await mi.UacDlgAsync("NOTIFY", "sip:alice@192.0.2.10", new SipHeaders
            {
                { "From", "<sip:pbx@192.0.2.1>" },
                { "To", "<sip:alice@192.0.2.10>" },
                { "Event", "check-sync\r\nEvent: reboot" },      // header injection
            });
        }
        catch (ArgumentException ex)
        {
            Console.WriteLine(ex.Message);                        // names the header and what is wrong; nothing was sent
        }
        #endregion
    }

    [Runs]
    public static async Task Notify(MiClient mi)
    {
        #region sip-event-notify
        // Ruby: opensips.event_notify 'sip:alice@127.0.0.1:5060', :polycom_check_cfg
        await mi.EventNotifyAsync("sip:alice@127.0.0.1:5060", PhoneEvent.PolycomCheckCfg);

        await mi.EventNotifyAsync("sip:alice@127.0.0.1:5060", PhoneEvent.FromName("snom_reboot"));
        await mi.EventNotifyAsync("sip:alice@127.0.0.1:5060", "check-sync;reboot=true");            // any Event value
        await mi.EventNotifyAsync("sip:alice@127.0.0.1:5060", PhoneEvent.SipuraCheckCfg,
            new SipHeaders { { "To", "<sip:alice@wanderland.com>" } });                                // your own To
        #endregion
    }

    [Runs]
    public static async Task Mwi(MiClient mi)
    {
        #region sip-mwi
        // Ruby: opensips.mwi_update 'sip:alice@wanderland.com:5060', 'sip:*97@voicemail.pbx.com', 5
        await mi.MwiUpdateAsync("sip:alice@wanderland.com:5060", "sip:*97@voicemail.pbx.com", 5);

        await mi.MwiUpdateAsync("sip:alice@wanderland.com:5060", "sip:*97@voicemail.pbx.com",
            newMessages: 2, oldMessages: 8, urgentNew: 0, urgentOld: 2);
        await mi.MwiUpdateAsync("sip:alice@wanderland.com:5060", "sip:*97@voicemail.pbx.com", 0);   // lamp off

        // Build without sending, to inspect or send later with UacDlgAsync
        UacDlgRequest request = SipRequests.MwiUpdate("sip:alice@wanderland.com:5060", "sip:*97@voicemail.pbx.com", 2, 8, 0, 2);
        Console.WriteLine(request.Body);   // Messages-Waiting: yes … Voice-Message: 2/8 (0/2)
        #endregion

        Assert.Contains("Voice-Message: 2/8 (0/2)", request.Body, StringComparison.Ordinal);
    }

    [Runs]
    public static async Task LongerWait(MiClient mi)
    {
        #region sip-timeout
        await mi.EventNotifyAsync("sip:alice@127.0.0.1:5060", PhoneEvent.SnomCheckCfg,
            options: new UacDlgOptions { Timeout = TimeSpan.FromSeconds(65) });    // when tm's fr_timeout is 60 s
        #endregion
    }

    [CompileOnly("needs a SIP phone answering on loopback; tests/OpenSips.Mi.Tests/Sip/SipEndToEndTests.cs runs the same with one")]
    public static async Task Testing(int phonePort)
    {
        #region sip-testing
        await using var emulator = await MiEmulator.StartAsync();
        await using var uac = MiEmulatorSipUac.Attach(emulator, new SipUacOptions { FinalResponseTimeout = TimeSpan.FromSeconds(1) });
        await using var mi = MiClient.Connect(emulator.UdpUri);

        UacResult result = await mi.EventNotifyAsync("sip:phone@127.0.0.1:" + phonePort, PhoneEvent.SnomReboot);
        // uac.Sent holds every datagram sent; uac.SocketNames are the values t_uac_dlg's socket accepts.
        #endregion
    }
}
