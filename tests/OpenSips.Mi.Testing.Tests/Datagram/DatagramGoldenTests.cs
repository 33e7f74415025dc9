using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing.Tests.Datagram;

/// <summary>Every simple mi_datagram capture replayed: the emulator must answer what OpenSIPS answered.</summary>
public class DatagramGoldenTests
{
    private static readonly string[] Special = ["dg_t_uac_dlg", "dg_ul_dump", "dg_async", "dg_pipelined", "dg_reply_", "dg_request_65"];

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in WireData.Manifest("datagram").OfType<JsonObject>())
        {
            var name = (string)c["case"]!;
            if (c["request"] is null || Special.Any(name.StartsWith) || (c["responses"] as JsonArray)?.Count > 1)
            {
                continue;
            }

            // Successful t_uac_dlg needs a UAS: covered in the command tests.
            if (c["responses"] is JsonArray { Count: 1 } r && WireData.Bytes("datagram", (string)r[0]!["file"]!).AsSpan().IndexOf("\"Status\""u8) >= 0)
            {
                continue;
            }

            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Datagram_reply_matches_the_capture(string name)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUnix = false, EnableTracer = false }, cts.Token);
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        var request = WireData.Bytes("datagram", name + ".request");

        if (!WireData.Exists("datagram", name + ".response"))
        {
            await probe.SendAsync(request, cts.Token);
            Assert.True(await probe.NothingArrivesAsync(Timeouts.Silence, cts.Token));
            return;
        }

        var expected = WireData.Bytes("datagram", name + ".response");
        var (reply, from) = await probe.ReceiveAfterSendAsync(request, cts.Token);
        Assert.Equal(emulator.UdpEndPoint, from);
        Assert.Equal(WireData.Normalize(expected), WireData.Normalize(reply));
    }
}

internal static class UdpProbeExtensions
{
    public static async Task<(byte[] Bytes, System.Net.EndPoint From)> ReceiveAfterSendAsync(this UdpProbe probe, byte[] request, CancellationToken ct)
    {
        await probe.SendAsync(request, ct);
        return await probe.ReceiveAsync(ct);
    }
}
