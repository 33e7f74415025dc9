using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenSips.Mi.TraceServerTests;

/// <summary>A SIP user agent on 127.0.0.1:0 over UDP: sends REGISTERs and answers every request it gets with 200 OK.</summary>
internal sealed partial class SipPeer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource<string> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SipPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(LoopAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Registers <paramref name="user"/> at the server with this peer as its contact; returns the reply's status line.</summary>
    public async Task<string> RegisterAsync(IPEndPoint server, string user)
    {
        _reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var me = EndPoint;
        var request =
            $"REGISTER sip:{server} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{Hex()}\r\nMax-Forwards: 70\r\n" +
            $"From: <sip:{user}@127.0.0.1>;tag={Hex()}\r\nTo: <sip:{user}@127.0.0.1>\r\nCall-ID: {Hex()}@test\r\nCSeq: 1 REGISTER\r\n" +
            $"Contact: <sip:{user}@{me}>\r\nExpires: 300\r\nContent-Length: 0\r\n\r\n";
        await _socket.SendToAsync(Encoding.UTF8.GetBytes(request), SocketFlags.None, server);
        var reply = await _reply.Task.WaitAsync(TimeSpan.FromSeconds(5));
        return reply[..reply.IndexOf('\r', StringComparison.Ordinal)];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }

    private static string Hex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    private async Task LoopAsync()
    {
        var buffer = new byte[65535];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (ex is SocketException && !_stop.IsCancellationRequested)
                {
                    continue;
                }

                return;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, r.ReceivedBytes);
            if (text.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
            {
                _reply.TrySetResult(text);
                continue;
            }

            string H(string name) => Regex.Match(text, $"^{name}: (.*?)\r?$", RegexOptions.Multiline).Groups[1].Value;
            var vias = string.Concat(Regex.Matches(text, "^Via: .*?\r\n", RegexOptions.Multiline).Select(m => m.Value));
            var ok = $"SIP/2.0 200 OK\r\n{vias}From: {H("From")}\r\nTo: {H("To")};tag=peer1\r\nCall-ID: {H("Call-ID")}\r\nCSeq: {H("CSeq")}\r\nContent-Length: 0\r\n\r\n";
            try
            {
                await _socket.SendToAsync(Encoding.UTF8.GetBytes(ok), SocketFlags.None, r.RemoteEndPoint, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }
    }
}
