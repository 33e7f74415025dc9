using OpenSips.Mi.Commands;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Docs.Tests.Snippets;

public static class ReadmeSnippets
{
    [Runs]
    public static async Task QuickStart()
    {
        #region readme-quick-start
        // using OpenSips.Mi; using OpenSips.Mi.Testing;
        // An OpenSIPS MI emulator on loopback, so this runs anywhere; for a real server: MiClient.Connect("udp://127.0.0.1:8809")
        await using var emulator = await MiEmulator.StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);

        MiResponse uptime = await mi.CommandAsync("uptime");
        Console.WriteLine(uptime.GetResult().GetProperty("Up time"));        // 0 [sec]

        MiResponse contact = await mi.CommandAsync("ul_show_contact", MiParams.Positional("location", "nobody"));
        Console.WriteLine(contact.IsSuccess ? contact.GetResult() : contact.Error); // 404 AOR not found
        #endregion

        Assert.Equal(404, contact.Error!.Code);
        Assert.EndsWith("[sec]", uptime.GetResult().GetProperty("Up time").GetString(), StringComparison.Ordinal);
    }

    [Runs]
    public static async Task Typed(MiClient mi)
    {
        #region readme-typed
        UptimeInfo up = await mi.UptimeAsync();                                  // using OpenSips.Mi.Commands;
        MiStatisticValues stats = await mi.GetStatisticsAsync("dialog:", "tm:");
        UsrlocAor alice = await mi.UlShowContactAsync("location", "alice");
        Console.WriteLine($"up {up.UpTime}, {stats["dialog:active_dialogs"]} dialogs, alice at {alice.Contacts[0].Contact}");
        #endregion
    }

    [Runs]
    public static async Task Sip(MiClient mi)
    {
        #region readme-sip
        // using OpenSips.Mi.Sip; OpenSIPS sends the NOTIFY through tm's t_uac_dlg and reports the phone's final reply
        UacResult reply = await mi.EventNotifyAsync("sip:alice@192.0.2.10:5060", PhoneEvent.PolycomCheckCfg);
        Console.WriteLine($"{reply.StatusCode} {reply.ReasonPhrase}");            // 200 OK

        await mi.MwiUpdateAsync("sip:alice@192.0.2.10:5060", "sip:*97@voicemail.example.com", newMessages: 2);
        #endregion

        Assert.Equal(200, reply.StatusCode);
    }

    [Runs]
    public static async Task Events(MiClient mi, MiEmulator emulator, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ct = stop.Token;
        var raised = Task.Run(async () =>
        {
            while (emulator.State.Subscribers.Count == 0)
            {
                await Task.Delay(20, ct);
            }

            await mi.UlAddAsync("location", "carol", "sip:carol@127.0.0.1:5090", TimeSpan.FromMinutes(10), cancellationToken: ct);
            stop.CancelAfter(TimeSpan.FromMilliseconds(500));
        }, ct);
        try
        {
            #region readme-events
            await using var sub = await mi.SubscribeAsync(["E_UL_CONTACT_INSERT", "E_UL_CONTACT_DELETE"]);
            await foreach (MiEvent ev in sub.ReadAllAsync(ct))
            {
                Console.WriteLine($"{ev.Name} {ev.AsUsrlocContact()?.Aor}");      // E_UL_CONTACT_INSERT carol
            }
            #endregion
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        await raised;
        Assert.All(emulator.State.Subscribers, s => Assert.Equal(0, s.Expire));
    }
}
