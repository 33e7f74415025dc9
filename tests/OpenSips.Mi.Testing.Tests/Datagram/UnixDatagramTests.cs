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
}
