using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace OpenSips.Mi.ServerFixture;

/// <summary>How a <see cref="SipPhone"/> answers the requests it receives.</summary>
public enum SipAnswer
{
    /// <summary>200 OK.</summary>
    Ok,

    /// <summary>486 Busy Here.</summary>
    Busy,

    /// <summary>Nothing at all (the sender retransmits, then gives up).</summary>
    Silent,
}

/// <summary>The dialog a successful <see cref="SipPhone.CallAsync"/> set up.</summary>
/// <param name="CallId">Its Call-ID.</param>
/// <param name="FromTag">The caller's tag.</param>
/// <param name="ToTag">The callee's tag.</param>
/// <param name="Final">The final response to the INVITE.</param>
public sealed record SipCall(string CallId, string FromTag, string ToTag, SipMessage Final);

/// <summary>
/// A small SIP user agent on a UDP socket at 127.0.0.1:0, enough to drive a real OpenSIPS in tests: it registers, places
/// calls through the proxy (INVITE, ACK), records every request it receives (retransmissions included, with their exact
/// bytes) and answers them 200, 486 or not at all.
/// </summary>
public sealed class SipPhone : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Channel<SipMessage> _requests = Channel.CreateUnbounded<SipMessage>();
    private readonly ConcurrentDictionary<string, Channel<SipMessage>> _transactions = new();
    private readonly ConcurrentDictionary<string, string> _localTags = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _cseq;

    /// <summary>Binds the phone to 127.0.0.1 on a free port and starts answering.</summary>
    /// <param name="user">The user part of its URI.</param>
    /// <param name="answer">How it answers requests.</param>
    public SipPhone(string user = "phone", SipAnswer answer = SipAnswer.Ok)
    {
        User = user;
        Answer = answer;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The user part of its URI.</summary>
    public string User { get; }

    /// <summary>How it answers requests from now on.</summary>
    public SipAnswer Answer { get; set; }

    /// <summary>Its UDP port on 127.0.0.1.</summary>
    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>Its contact URI, <c>sip:user@127.0.0.1:port</c>.</summary>
    public string Uri => string.Create(CultureInfo.InvariantCulture, $"sip:{User}@127.0.0.1:{Port}");

    /// <summary>How many received requests are waiting to be read.</summary>
    public int PendingRequests => _requests.Reader.Count;

    /// <summary>The next request received (first transmission or retransmission), optionally of one method.</summary>
    /// <param name="timeout">How long to wait (default 10 s).</param>
    /// <param name="method">Skip requests of other methods.</param>
    /// <returns>The request.</returns>
    /// <exception cref="TimeoutException">Nothing came in time.</exception>
    public async Task<SipMessage> NextRequestAsync(TimeSpan? timeout = null, string? method = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var request = await _requests.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
                if (method is null || request.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
                {
                    return request;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Uri} received no {method ?? "request"} within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds:0.#} s");
        }
    }

    /// <summary>Registers <see cref="Uri"/> as the contact of <see cref="User"/> and returns the final response.</summary>
    /// <param name="registrar">The OpenSIPS SIP socket.</param>
    /// <param name="expires">Expires in seconds (0 removes the contact).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The final response.</returns>
    public Task<SipMessage> RegisterAsync(IPEndPoint registrar, int expires = 3600, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        var callId = $"reg-{User}-{Port}@127.0.0.1";
        var aor = $"sip:{User}@127.0.0.1";
        var request = Request("REGISTER", $"sip:{registrar.Address}:{registrar.Port}", callId, Interlocked.Increment(ref _cseq),
            from: $"<{aor}>;tag={Tag()}", to: $"<{aor}>",
            extra: [$"Contact: <{Uri}>", string.Create(CultureInfo.InvariantCulture, $"Expires: {expires}"), "User-Agent: opensips-mi-tests"]);
        return SendRequestAsync(registrar, request, cancellationToken);
    }

    /// <summary>
    /// Calls <paramref name="calleeUri"/> through the proxy: INVITE, wait for the final response, ACK a 2xx along the
    /// route set. Returns the dialog.
    /// </summary>
    /// <param name="proxy">The OpenSIPS SIP socket.</param>
    /// <param name="calleeUri">Who to call (the R-URI), for example another phone's <see cref="Uri"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The dialog.</returns>
    public async Task<SipCall> CallAsync(IPEndPoint proxy, string calleeUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var callId = $"call-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}@127.0.0.1";
        var fromTag = Tag();
        var cseq = Interlocked.Increment(ref _cseq);
        var invite = Request("INVITE", calleeUri, callId, cseq, from: $"<sip:{User}@127.0.0.1>;tag={fromTag}", to: $"<{calleeUri}>",
            extra: [$"Contact: <{Uri}>", "Content-Type: application/sdp"],
            body: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n");
        var final = await SendRequestAsync(proxy, invite, cancellationToken).ConfigureAwait(false);
        var toTag = SipMessage.Tag(final["To"]) ?? string.Empty;
        if (final.StatusCode is >= 200 and < 300)
        {
            // ACK for a 2xx is its own transaction: to the remote target, along the record-routes reversed.
            var routes = final.All("Record-Route").Reverse().Select(r => "Route: " + r).ToList();
            var target = ExtractUri(final["Contact"]) ?? calleeUri;
            var ack = Request("ACK", target, callId, cseq, from: $"<sip:{User}@127.0.0.1>;tag={fromTag}", to: final["To"]!, extra: routes);
            await _socket.SendToAsync(SipMessage.Encode(ack), SocketFlags.None, proxy, cancellationToken).ConfigureAwait(false);
        }

        return new SipCall(callId, fromTag, toTag, final);
    }

    /// <summary>Sends a request (whole text) and waits for its final response (provisional ones are skipped).</summary>
    /// <param name="to">Where to send it.</param>
    /// <param name="request">The request, with Call-ID and CSeq.</param>
    /// <param name="cancellationToken">Cancels the wait (bounded to 10 s in any case).</param>
    /// <returns>The final response.</returns>
    public async Task<SipMessage> SendRequestAsync(IPEndPoint to, string request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        var parsed = SipMessage.Parse(request);
        var key = TransactionKey(parsed);
        var responses = Channel.CreateUnbounded<SipMessage>();
        _transactions[key] = responses;
        try
        {
            await _socket.SendToAsync(SipMessage.Encode(request), SocketFlags.None, to, cancellationToken).ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            while (true)
            {
                var response = await responses.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                if (response.StatusCode >= 200)
                {
                    return response;
                }
            }
        }
        finally
        {
            _transactions.TryRemove(key, out _);
        }
    }

    /// <summary>Builds a request from this phone (Via with a fresh branch, Max-Forwards, Content-Length).</summary>
    public string Request(string method, string requestUri, string callId, int cseq, string from, string to, IEnumerable<string>? extra = null, string body = "")
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {requestUri} SIP/2.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/UDP 127.0.0.1:{Port};branch=z9hG4bK{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))};rport\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append(CultureInfo.InvariantCulture, $"From: {from}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: {to}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {callId}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {cseq} {method}\r\n");
        foreach (var header in extra ?? [])
        {
            text.Append(header).Append("\r\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n").Append(body);
        return text.ToString();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65535];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token).ConfigureAwait(false);
            }
            catch (SocketException) when (!_stop.IsCancellationRequested)
            {
                // An ICMP error from an earlier send; keep listening.
                continue;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            SipMessage message;
            try
            {
                message = SipMessage.Parse(Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException)
            {
                continue;
            }

            if (message.IsResponse)
            {
                if (_transactions.TryGetValue(TransactionKey(message), out var waiting))
                {
                    waiting.Writer.TryWrite(message);
                }

                continue;
            }

            _requests.Writer.TryWrite(message);
            if (Answer == SipAnswer.Silent || message.Method == "ACK")
            {
                continue;
            }

            try
            {
                var reply = Reply(message, Answer == SipAnswer.Ok ? "200 OK" : "486 Busy Here");
                await _socket.SendToAsync(SipMessage.Encode(reply), SocketFlags.None, received.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
            }
        }
    }

    private string Reply(SipMessage request, string status)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"SIP/2.0 {status}\r\n");
        foreach (var via in request.All("Via"))
        {
            text.Append(CultureInfo.InvariantCulture, $"Via: {via}\r\n");
        }

        var to = request["To"] ?? string.Empty;
        if (SipMessage.Tag(to) is null)
        {
            to += ";tag=" + _localTags.GetOrAdd(request["Call-ID"] ?? string.Empty, _ => Tag());
        }

        text.Append(CultureInfo.InvariantCulture, $"From: {request["From"]}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: {to}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {request["Call-ID"]}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {request["CSeq"]}\r\n");
        if (request.Method == "INVITE" && status.StartsWith('2'))
        {
            foreach (var route in request.All("Record-Route"))
            {
                text.Append(CultureInfo.InvariantCulture, $"Record-Route: {route}\r\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"Contact: <{Uri}>\r\n");
        }

        text.Append("User-Agent: opensips-mi-test-phone\r\nContent-Length: 0\r\n\r\n");
        return text.ToString();
    }

    private static string TransactionKey(SipMessage message) => $"{message["Call-ID"]}|{message["CSeq"]}";

    private static string Tag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    private static string? ExtractUri(string? nameAddr)
    {
        if (nameAddr is null)
        {
            return null;
        }

        var start = nameAddr.IndexOf('<', StringComparison.Ordinal);
        var end = nameAddr.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? nameAddr[(start + 1)..end] : nameAddr.Split(';')[0];
    }

    /// <summary>Stops answering and closes the socket.</summary>
    /// <returns>A task that completes when the receive loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
