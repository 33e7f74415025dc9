using System.Text;

namespace OpenSips.Mi.Testing.Tests.Datagram;

public class DatagramLimitsTests
{
    private static Task<MiEmulator> StartAsync(CancellationToken ct) =>
        MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUnix = false }, ct);

    [Theory]
    [InlineData("dg_request_65457_bytes", false)]
    [InlineData("dg_request_65458_bytes", true)]
    [InlineData("dg_request_65507_bytes", true)]
    public async Task Requests_over_65457_bytes_get_plain_text_parse_error(string name, bool rejected)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        var reply = await probe.RequestAsync(WireData.Bytes("datagram", name + ".request"), cts.Token);
        if (rejected)
        {
            Assert.Equal("400 Parse_error"u8.ToArray(), reply);
        }
        else
        {
            Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"result\":", Encoding.UTF8.GetString(reply));
        }
    }

    [Fact]
    public async Task A_reply_of_65456_bytes_is_sent_and_one_more_byte_becomes_500_Internal_error()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var probe = new UdpProbe(emulator.UdpEndPoint);

        var ok = await probe.RequestAsync(WireData.Bytes("datagram", "dg_reply_65456_bytes_max_ok.request"), cts.Token);
        Assert.Equal(65456, ok.Length);
        Assert.Equal(WireData.Bytes("datagram", "dg_reply_65456_bytes_max_ok.response"), ok);

        var tooBig = await probe.RequestAsync(WireData.Bytes("datagram", "dg_reply_65457_bytes_too_big.request"), cts.Token);
        Assert.Equal("500 Internal error"u8.ToArray(), tooBig);
    }

    [Theory]
    [InlineData(65438, true)]
    [InlineData(65439, false)]
    public async Task With_a_numeric_id_a_reply_over_65438_bytes_becomes_500_Internal_error(int replyBytes, bool fits)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var probe = new UdpProbe(emulator.UdpEndPoint);

        var value = new string('v', replyBytes - "{\"jsonrpc\":\"2.0\",\"result\":{\"key\":\"k\",\"value\":\"\"},\"id\":7}".Length);
        await probe.RequestAsync(Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"method\":\"cache_store\",\"params\":[\"local\",\"k\",\"{value}\"],\"id\":6}}"), cts.Token);
        var reply = await probe.RequestAsync("{\"jsonrpc\":\"2.0\",\"method\":\"cache_fetch\",\"params\":[\"local\",\"k\"],\"id\":7}"u8.ToArray(), cts.Token);

        if (fits)
        {
            Assert.Equal(replyBytes, reply.Length);
        }
        else
        {
            Assert.Equal("500 Internal error"u8.ToArray(), reply);
        }
    }

    [Fact]
    public async Task Ul_dump_with_hundreds_of_AORs_is_too_big_for_a_datagram_but_brief_fits()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        for (var i = 0; i < 500; i++)
        {
            emulator.State.Usrloc.Add($"user{i:0000}", new MiContact { Contact = $"sip:user{i:0000}@127.0.0.1:5080", ContactId = "4359554808038822723", ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });
        }

        using var probe = new UdpProbe(emulator.UdpEndPoint);
        Assert.Equal(WireData.Bytes("datagram", "dg_ul_dump_500_aors.response"), await probe.RequestAsync(WireData.Bytes("datagram", "dg_ul_dump_500_aors.request"), cts.Token));
        var brief = await probe.RequestAsync(WireData.Bytes("datagram", "dg_ul_dump_brief_500_aors.request"), cts.Token);
        Assert.Equal(WireData.Bytes("datagram", "dg_ul_dump_brief_500_aors.response").Length, brief.Length);
    }

    [Fact]
    public async Task Several_requests_in_flight_on_one_socket_are_all_answered_with_their_ids()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        for (var id = 1; id <= 8; id++)
        {
            await probe.SendAsync(Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"method\":\"version\",\"id\":{id}}}"), cts.Token);
        }

        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var text = Encoding.UTF8.GetString((await probe.ReceiveAsync(cts.Token)).Bytes);
            ids.Add(text[(text.LastIndexOf(':') + 1)..^1]);
        }

        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8"], ids.Order());
    }

    [Fact]
    public async Task An_async_reply_arrives_after_a_later_sync_reply()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        emulator.UacResponder = async (uac, ct) =>
        {
            await Task.Delay(500, ct);
            return MiUac.Final("200 OK", MiUac.ReplyMessage(uac));
        };
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        await probe.SendAsync(WireData.Bytes("datagram", "dg_async_out_of_order.request.1"), cts.Token);
        await probe.SendAsync(WireData.Bytes("datagram", "dg_async_out_of_order.request.2"), cts.Token);
        var first = Encoding.UTF8.GetString((await probe.ReceiveAsync(cts.Token)).Bytes);
        var second = Encoding.UTF8.GetString((await probe.ReceiveAsync(cts.Token)).Bytes);
        Assert.Contains("Up time", first);
        Assert.Contains("\"Status\":\"200 OK\"", second);
    }
}
