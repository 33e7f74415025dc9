using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi.ServerFixture;

/// <summary>Free loopback ports and private paths for one instance, chosen before it starts.</summary>
public sealed record ServerPorts(int Sip, int MiDatagram, int Http, int Hep, string WorkDirectory)
{
    /// <summary>The mi_fifo FIFO.</summary>
    public string FifoPath => Path.Combine(WorkDirectory, "mi_fifo");

    /// <summary>mi_fifo's <c>reply_dir</c>, where clients create their reply FIFOs.</summary>
    public string FifoReplyDirectory => Path.Combine(WorkDirectory, "replies") + Path.DirectorySeparatorChar;

    /// <summary>The mi_datagram unix socket (unix instances only).</summary>
    public string UnixSocketPath => Path.Combine(WorkDirectory, "mi.sock");

    /// <summary>The db_text tables.</summary>
    public string DbDirectory => Path.Combine(WorkDirectory, "db");

    /// <summary>Picks free ports by binding 127.0.0.1:0 (UDP for SIP, mi_datagram and HEP; TCP for httpd and HEP).</summary>
    public static ServerPorts Allocate(string workDirectory)
    {
        var sip = FreeUdpPort();
        var mi = FreeUdpPort(sip);
        var http = FreeTcpPort();
        var hep = FreeBothPort(sip, mi, http);
        return new ServerPorts(sip, mi, http, hep, workDirectory);
    }

    private static int FreeUdpPort(params int[] avoid)
    {
        while (true)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (!avoid.Contains(port))
            {
                return port;
            }
        }
    }

    private static int FreeTcpPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    // HEP listens on UDP and TCP at the same port.
    private static int FreeBothPort(params int[] avoid)
    {
        while (true)
        {
            var port = FreeTcpPort();
            if (avoid.Contains(port))
            {
                continue;
            }

            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
