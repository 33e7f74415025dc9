using OpenSips.Mi.Sip;
using OpenSips.Mi.Testing;
using SipHeaders = OpenSips.Mi.Sip.SipHeaders;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>mi_http's default httpd receive_buf_size (1024 bytes, docs/wire-facts.md#http-body-limit) against t_uac_dlg requests.</summary>
public class SipHttpLimitTests
{
    [Fact]
    public async Task A_large_mwi_over_default_mi_http_is_refused_and_a_small_one_passes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false }, ct);
        await using var uac = MiEmulatorSipUac.Attach(emulator, new SipUacOptions { FinalResponseTimeout = TimeSpan.FromSeconds(1) });
        await using var phone = new UdpPhone();
        await using var mi = MiClient.Connect(new HttpOptions(emulator.HttpUri) { Timeout = TimeSpan.FromSeconds(3) });
        var options = new UacDlgOptions { Timeout = TimeSpan.FromSeconds(10) };

        var small = await mi.MwiUpdateAsync(phone.Uri, "sip:*97@127.0.0.1", 1, options: options, cancellationToken: ct);
        Assert.Equal(200, small.StatusCode);

        var padding = new SipHeaders();
        for (var i = 0; i < 12; i++)
        {
            padding.Add($"X-Pad-{i}", new string('y', 60));
        }

        var ex = await Assert.ThrowsAsync<MiProtocolException>(() => mi.MwiUpdateAsync(phone.Uri, "sip:*97@127.0.0.1", 1, headers: padding, options: options, cancellationToken: ct));
        Assert.Equal(400, ex.HttpStatusCode);
    }
}
