using System.Text;

namespace OpenSips.Mi.Testing.Tests.Faults;

public class FaultTests
{
    private static readonly byte[] Uptime = "{\"jsonrpc\":\"2.0\",\"method\":\"uptime\",\"id\":1}"u8.ToArray();
    private static readonly byte[] Version = "{\"jsonrpc\":\"2.0\",\"method\":\"version\",\"id\":2}"u8.ToArray();

    private static Task<MiEmulator> StartAsync(CancellationToken ct) =>
        MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false }, ct);

    [Fact]
    public async Task DropReply_for_one_method_drops_only_that_reply()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var fault = emulator.Faults.Add(MiFault.DropReply(when: r => r.Method == "uptime"));
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        await probe.SendAsync(Uptime, cts.Token);
        Assert.True(await probe.NothingArrivesAsync(Timeouts.Silence, cts.Token));
        Assert.Contains("OpenSIPS (3.6.8", Encoding.UTF8.GetString(await probe.RequestAsync(Version, cts.Token)));
        Assert.Equal(1, fault.Fired);
    }

    [Fact]
    public async Task Times_limits_how_often_a_fault_fires()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Faults.Add(MiFault.DropReply(times: 1));
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        await probe.SendAsync(Uptime, cts.Token);
        Assert.True(await probe.NothingArrivesAsync(Timeouts.Silence, cts.Token));
        Assert.NotEmpty(await probe.RequestAsync(Uptime, cts.Token));
    }

    [Fact]
    public async Task DuplicateReply_sends_the_datagram_twice()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Faults.Add(MiFault.DuplicateReply(transport: MiTransport.Datagram));
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        var first = await probe.RequestAsync(Version, cts.Token);
        Assert.Equal(first, (await probe.ReceiveAsync(cts.Token)).Bytes);
    }

    [Fact]
    public async Task ReplaceReply_and_TruncateReply_change_the_bytes()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Faults.Add(MiFault.ReplaceReply(MiFault.InternalErrorText, when: r => r.Method == "uptime"));
        emulator.Faults.Add(MiFault.TruncateReply(10, when: r => r.Method == "version"));
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        Assert.Equal("500 Internal error"u8.ToArray(), await probe.RequestAsync(Uptime, cts.Token));
        Assert.Equal(Encoding.UTF8.GetBytes("{\"jsonrpc\""), await probe.RequestAsync(Version, cts.Token));
    }

    [Fact]
    public async Task DelayReply_delays_the_reply()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Faults.Add(MiFault.DelayReply(TimeSpan.FromMilliseconds(400)));
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        var started = DateTime.UtcNow;
        await probe.RequestAsync(Version, cts.Token);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(350));
    }

    [Fact]
    public async Task Http_CloseConnection_closes_mid_response()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Faults.Add(MiFault.CloseConnection());
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(RawHttp.Post("/mi", Encoding.UTF8.GetString(Version)), cts.Token);
        await Assert.ThrowsAnyAsync<IOException>(() => http.ReadResponseAsync(cts.Token));
    }

    [Fact]
    public async Task Http_NeverEndingBody_sends_headers_only()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.Faults.Add(MiFault.NeverEndingBody());
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(RawHttp.Post("/mi", Encoding.UTF8.GetString(Version)), cts.Token);
        var head = await http.ReadHeadAsync(cts.Token);
        Assert.Equal("chunked", RawHttp.Header(head!, "Transfer-Encoding"));
        Assert.True(await http.StaysSilentAsync(Timeouts.Silence, cts.Token));
    }

    [Fact]
    public void WithProbability_is_reproducible_from_its_seed()
    {
        var a = MiFault.WithProbability(0.5, 42);
        var b = MiFault.WithProbability(0.5, 42);
        var results = Enumerable.Range(0, 20).Select(_ => (a(null!), b(null!))).ToList();
        Assert.All(results, r => Assert.Equal(r.Item1, r.Item2));
        Assert.Contains(results, r => r.Item1);
        Assert.Contains(results, r => !r.Item1);
    }
}
