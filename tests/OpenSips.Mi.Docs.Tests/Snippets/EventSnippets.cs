using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenSips.Mi.Commands;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Docs.Tests.Snippets;

public static class EventSnippets
{
    [Runs]
    public static async Task Subscribe(MiClient mi, MiEmulator emulator, CancellationToken cancellationToken)
    {
        ILogger logger = NullLogger.Instance;
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
            #region events-subscribe
            await using var sub = await mi.SubscribeAsync(["E_UL_AOR_INSERT", "E_UL_CONTACT_INSERT", "E_UL_CONTACT_DELETE"]);
            Console.WriteLine(sub.Socket);                                   // udp:127.0.0.1:40123 (what OpenSIPS was given)

            sub.RefreshFailed += (_, e) => logger.LogWarning(e.Error, "refresh failed, retry in {Delay}", e.RetryIn);

            await foreach (MiEvent ev in sub.ReadAllAsync(ct))
            {
                if (ev.AsUsrlocContact() is { } c && ev.Name == "E_UL_CONTACT_INSERT")
                {
                    Console.WriteLine($"{c.Aor} registered {c.Uri} until {c.Expires}");
                }
                else
                {
                    Console.WriteLine(ev);                                   // E_UL_AOR_INSERT {"domain":"location","aor":"carol"} from udp:127.0.0.1:41822
                }
            }
            // leaving the using: event_subscribe with expire 0 for each event, then the listener closes
            #endregion
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        await raised;
        Assert.Equal(3, emulator.State.Subscribers.Count);
    }

    [Runs]
    public static async Task InTheEmulator(CancellationToken ct)
    {
        #region events-emulator
        await using var emulator = await MiEmulator.StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD", new MiSubscriptionOptions { Listen = "tcp://127.0.0.1:0" });

        await emulator.RaiseEventAsync("E_CORE_THRESHOLD", new JsonObject { ["source"] = "mysql", ["time"] = 1500, ["extra"] = "select …" });
        await foreach (MiEvent ev in sub.ReadAllAsync(ct))
        {
            Console.WriteLine(ev.AsCoreThreshold()?.Time);                 // 1500
            break;
        }
        #endregion

        Assert.Contains(emulator.State.Subscribers, s => s.Event == "E_CORE_THRESHOLD");
    }
}
