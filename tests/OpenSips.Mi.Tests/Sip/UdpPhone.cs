using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>How the test phone answers.</summary>
public enum PhoneAnswer
{
    Ok,
    Busy,
    Silent,
    TryingThenOk,
}

/// <summary>A tiny SIP phone on 127.0.0.1:0: records every request and answers 200, 486, 100+200 or nothing.</summary>
public sealed partial class UdpPhone : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Channel<(string Text, IPEndPoint From)> _requests = Channel.CreateUnbounded<(string, IPEndPoint)>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public UdpPhone(PhoneAnswer answer = PhoneAnswer.Ok)
    {
        Answer = answer;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(LoopAsync);
    }

    public PhoneAnswer Answer { get; set; }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public string Uri => $"sip:phone@127.0.0.1:{Port}";

    /// <summary>The next request received (first transmission or retransmission).</summary>
    public async Task<(string Text, IPEndPoint From)> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _requests.Reader.ReadAsync(cts.Token);
    }

    /// <summary>How many datagrams are waiting unread.</summary>
    public int Pending => _requests.Reader.Count;

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
            var from = (IPEndPoint)r.RemoteEndPoint;
            _requests.Writer.TryWrite((text, from));
            switch (Answer)
            {
                case PhoneAnswer.Ok:
                    await ReplyAsync(text, from, "200 OK", withTag: true);
                    break;
                case PhoneAnswer.Busy:
                    await ReplyAsync(text, from, "486 Busy Here", withTag: true);
                    break;
                case PhoneAnswer.TryingThenOk:
                    await ReplyAsync(text, from, "100 Trying", withTag: false);
                    await Task.Delay(300);
                    await ReplyAsync(text, from, "200 OK", withTag: true);
                    break;
            }
        }
    }

    /// <summary>The reply a phone sends: status line, Via, From, To (+tag), Call-ID, CSeq, Content-Length 0.</summary>
    public static string BuildReply(string request, string status, bool withTag)
    {
        string H(string name) => Regex.Match(request, $"^{name}: (.*?)\r?$", RegexOptions.Multiline).Groups[1].Value;
        var to = H("To");
        if (withTag && !to.Contains(";tag=", StringComparison.Ordinal))
        {
            to += ";tag=phone4711";
        }

        return $"SIP/2.0 {status}\r\nVia: {H("Via")}\r\nFrom: {H("From")}\r\nTo: {to}\r\nCall-ID: {H("Call-ID")}\r\nCSeq: {H("CSeq")}\r\nContent-Length: 0\r\n\r\n";
    }

    private async Task ReplyAsync(string request, IPEndPoint to, string status, bool withTag)
    {
        try
        {
            await _socket.SendToAsync(Encoding.UTF8.GetBytes(BuildReply(request, status, withTag)), SocketFlags.None, to, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Replaces what OpenSIPS generates at random (branch, Call-ID, generated tags) by fixed words.</summary>
    public static string Normalize(string sip)
    {
        sip = Branch().Replace(sip, "branch=BRANCH");
        sip = CallId().Replace(sip, "Call-ID: CALLID");
        return Tag().Replace(sip, ";tag=TAG");
    }

    [GeneratedRegex(@"branch=z9hG4bK[0-9a-f]{1,4}\.[0-9a-f]{1,8}\.0")]
    private static partial Regex Branch();

    [GeneratedRegex(@"Call-ID: [0-9a-f]{16}-\d+@127\.0\.0\.1")]
    private static partial Regex CallId();

    [GeneratedRegex(@";tag=[0-9a-f]{32}(-[0-9a-f]{4})?")]
    private static partial Regex Tag();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
