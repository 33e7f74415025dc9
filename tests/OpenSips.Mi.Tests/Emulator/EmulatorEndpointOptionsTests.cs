using System.Net;
using System.Net.Sockets;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Emulator;

/// <summary><see cref="MiEmulatorOptions.UdpPort"/>, <see cref="MiEmulatorOptions.HttpPort"/>, <see cref="MiEmulatorOptions.FifoPath"/> and <see cref="MiEmulatorOptions.UnixSocketPath"/>.</summary>
public sealed class EmulatorEndpointOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("opensips-mi-emu-opts-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static int FreePort(SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task Fixed_ports_and_paths_are_used_and_every_transport_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        var udp = FreePort(SocketType.Dgram, ProtocolType.Udp);
        var http = FreePort(SocketType.Stream, ProtocolType.Tcp);
        var fifo = Path.Combine(_dir.FullName, "fifo");
        var unix = Path.Combine(_dir.FullName, "mi.sock");

        await using (var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { UdpPort = udp, HttpPort = http, FifoPath = fifo, UnixSocketPath = unix }, ct))
        {
            Assert.Equal($"udp://127.0.0.1:{udp}", emulator.UdpUri);
            Assert.Equal(new Uri($"http://127.0.0.1:{http}/mi"), emulator.HttpUri);
            Assert.Equal(fifo, emulator.FifoPath);
            Assert.Equal(unix, emulator.UnixSocketPath);
            foreach (var uri in new[] { emulator.UdpUri, emulator.HttpUriString, emulator.UnixUri })
            {
                await using var mi = MiClient.Connect(uri);
                Assert.True((await mi.CommandAsync("uptime", ct)).IsSuccess, uri);
            }
        }

        Assert.False(File.Exists(fifo));
        Assert.False(File.Exists(unix));
    }

    [Fact]
    public async Task A_taken_port_or_an_existing_path_fails_with_a_clear_IOException()
    {
        var ct = TestContext.Current.CancellationToken;
        using var udpHolder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udpHolder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var udp = ((IPEndPoint)udpHolder.LocalEndPoint!).Port;
        using var tcpHolder = new TcpListener(IPAddress.Loopback, 0);
        tcpHolder.Start();
        var http = ((IPEndPoint)tcpHolder.LocalEndpoint).Port;
        var existing = Path.Combine(_dir.FullName, "existing");
        await File.WriteAllTextAsync(existing, "keep", ct);

        var udpError = await Assert.ThrowsAsync<IOException>(() => MiEmulator.StartAsync(new MiEmulatorOptions { UdpPort = udp }, ct));
        var httpError = await Assert.ThrowsAsync<IOException>(() => MiEmulator.StartAsync(new MiEmulatorOptions { EnableUdp = false, HttpPort = http }, ct));
        var fifoError = await Assert.ThrowsAsync<IOException>(() => MiEmulator.StartAsync(new MiEmulatorOptions { FifoPath = existing }, ct));
        var unixError = await Assert.ThrowsAsync<IOException>(() => MiEmulator.StartAsync(new MiEmulatorOptions { UnixSocketPath = existing }, ct));

        Assert.StartsWith($"cannot bind the emulated mi_datagram to udp://127.0.0.1:{udp}: ", udpError.Message, StringComparison.Ordinal);
        Assert.StartsWith($"cannot bind the emulated httpd to 127.0.0.1:{http}: ", httpError.Message, StringComparison.Ordinal);
        Assert.Contains(existing, fifoError.Message, StringComparison.Ordinal);
        Assert.Contains(existing, unixError.Message, StringComparison.Ordinal);
        Assert.Equal("keep", await File.ReadAllTextAsync(existing, ct));
    }

    [Fact]
    public async Task An_out_of_range_port_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MiEmulator.StartAsync(new MiEmulatorOptions { UdpPort = 70000 }, TestContext.Current.CancellationToken));
    }
}
