using System.Net.Sockets;

namespace OpenSips.Mi.Testing.Tests.Datagram;

public class UnixDatagramTests
{
    [Fact]
    public async Task A_bound_unix_client_gets_the_reply_at_its_path()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUdp = false }, cts.Token);
        var clientPath = Path.Combine(Path.GetTempPath(), "mi-test-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            client.Bind(new UnixDomainSocketEndPoint(clientPath));
            await client.SendToAsync(WireData.Bytes("datagram", "version.request"), SocketFlags.None, new UnixDomainSocketEndPoint(emulator.UnixSocketPath), cts.Token);
            var buffer = new byte[65536];
            var n = await client.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.Equal(WireData.Bytes("datagram", "version.response"), buffer[..n]);
        }
        finally
        {
            File.Delete(clientPath);
        }
    }

    [Fact]
    public async Task An_unbound_unix_client_gets_nothing()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUdp = false }, cts.Token);
        using var client = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        await client.SendToAsync(WireData.Bytes("datagram", "version.request"), SocketFlags.None, new UnixDomainSocketEndPoint(emulator.UnixSocketPath), cts.Token);
        for (var i = 0; i < 50 && emulator.Received.Count == 0; i++)
        {
            await Task.Delay(10, cts.Token);
        }

        Assert.Single(emulator.Received);
        Assert.Equal(MiTransport.Unix, emulator.Received[0].Transport);
    }

    [Fact]
    public async Task Replies_that_find_the_clients_queue_full_are_dropped_as_OpenSIPS_drops_them()
    {
        const int requests = 30;
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUdp = false }, cts.Token);
        var queueLength = int.Parse(File.ReadAllText("/proc/sys/net/unix/max_dgram_qlen").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var clientPath = Path.Combine(Path.GetTempPath(), "mi-test-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            client.Bind(new UnixDomainSocketEndPoint(clientPath));
            for (var id = 1; id <= requests; id++)
            {
                await client.SendToAsync(System.Text.Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","method":"uptime","id":{{id}}}"""), SocketFlags.None, new UnixDomainSocketEndPoint(emulator.UnixSocketPath), cts.Token);
            }

            // The client reads nothing until the emulator has dealt with every request: a unix datagram socket queues
            // max_dgram_qlen + 1 datagrams, and OpenSIPS drops what does not fit instead of waiting.
            var kept = queueLength + 1;
            for (var i = 0; i < 500 && emulator.DatagramRepliesDropped < requests - kept; i++)
            {
                await Task.Delay(10, cts.Token);
            }

            await Task.Delay(100, cts.Token);
            var received = 0;
            var buffer = new byte[65536];
            while (client.Poll(0, SelectMode.SelectRead))
            {
                client.Receive(buffer);
                received++;
            }

            Assert.Equal(kept, received);
            Assert.Equal(requests - kept, emulator.DatagramRepliesDropped);
        }
        finally
        {
            File.Delete(clientPath);
        }
    }
}
