using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>A minimal SIP phone on 127.0.0.1:0 that records each request and answers with <see cref="Status"/> (null: stays silent).</summary>
internal sealed class TestPhone : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TestPhone(string? status = "200 OK")
    {
        Status = status;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(LoopAsync);
    }

    public string? Status { get; set; }

    public string Uri => $"sip:phone@127.0.0.1:{((IPEndPoint)_socket.LocalEndPoint!).Port}";

    public async Task<string> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _requests.Reader.ReadAsync(timeout.Token);
    }

    public int Pending => _requests.Reader.Count;

    private async Task LoopAsync()
    {
        var buffer = new byte[65535];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (SocketException) when (!_stop.IsCancellationRequested)
            {
                continue;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes);
            _requests.Writer.TryWrite(text);
            if (Status is { } status)
            {
                string Header(string name) => Regex.Match(text, $"^{name}: (.*?)\r?$", RegexOptions.Multiline).Groups[1].Value;
                var reply = $"SIP/2.0 {status}\r\nVia: {Header("Via")}\r\nFrom: {Header("From")}\r\nTo: {Header("To")};tag=phone1\r\n" +
                    $"Call-ID: {Header("Call-ID")}\r\nCSeq: {Header("CSeq")}\r\nX-Phone: test\r\nContent-Length: 0\r\n\r\n";
                try
                {
                    await _socket.SendToAsync(Encoding.UTF8.GetBytes(reply), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
