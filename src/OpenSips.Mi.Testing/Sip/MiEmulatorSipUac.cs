using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace OpenSips.Mi.Testing;

/// <summary>
/// Makes an emulator's <c>t_uac_dlg</c> really send its SIP request, as tm does: the request is built like the captured
/// OpenSIPS 3.6.8 ones (Via with branch, To, From with a generated tag, CSeq 10, Call-ID, Max-Forwards 70, Content-Length,
/// User-Agent, then the caller's other headers in order, <c>!!</c> replaced by the sending socket), sent over UDP to the
/// request URI's (or next hop's) host and port, retransmitted at T1, 2·T1, … up to T2, and answered with the final reply
/// (<c>{"Status":"200 OK","Message":"…"}</c>) or <c>408 Request Timeout</c> after <see cref="SipUacOptions.FinalResponseTimeout"/>.
/// Nothing leaves loopback: a destination other than 127.0.0.0/8 or <c>localhost</c> is never contacted (the call ends with 408).
/// A request whose next hop (or Request-URI) is one of <see cref="SocketNames"/> goes through the emulated OpenSIPS's own
/// request route, as on a real server: it is relayed to the Request-URI, or to the first usrloc contact of its user when
/// the Request-URI is the emulator's own (404 when there is none), and the tracer sees it (<see cref="MiEmulator.TraceDestinations"/>).
/// </summary>
/// <example>
/// <code>
/// await using var emulator = await MiEmulator.StartAsync();
/// await using var uac = MiEmulatorSipUac.Attach(emulator, new SipUacOptions { FinalResponseTimeout = TimeSpan.FromSeconds(1) });
/// </code>
/// </example>
public sealed class MiEmulatorSipUac : IAsyncDisposable
{
    private readonly MiEmulator _emulator;
    private readonly SipUacOptions _options;
    private readonly Socket[] _sockets;
    private readonly string[] _previousSockets;
    private readonly ConcurrentDictionary<string, Transaction> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SipUacDatagram> _sent = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _receivers;
    private int _disposed;

    private MiEmulatorSipUac(MiEmulator emulator, SipUacOptions options)
    {
        _emulator = emulator;
        _options = options;
        _sockets = new Socket[options.SocketCount];
        for (var i = 0; i < _sockets.Length; i++)
        {
            _sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        SocketEndPoints = _sockets.Select(s => (IPEndPoint)s.LocalEndPoint!).ToArray();
        SocketNames = SocketEndPoints.Select(e => string.Create(CultureInfo.InvariantCulture, $"udp:{e.Address}:{e.Port}")).ToArray();

        // The emulated OpenSIPS now listens on these sockets (and no longer on the default 5060 it cannot bind).
        _previousSockets = [.. emulator.State.SipSockets];
        emulator.State.SipSockets.Clear();
        foreach (var name in SocketNames)
        {
            emulator.State.SipSockets.Add(name);
        }

        _receivers = _sockets.Select(s => Task.Run(() => ReceiveLoopAsync(s, _stopping.Token))).ToArray();
        emulator.UacResponder = RespondAsync;
    }

    /// <summary>The local SIP sockets, the first being the default one.</summary>
    public IReadOnlyList<IPEndPoint> SocketEndPoints { get; }

    /// <summary>The local SIP sockets in OpenSIPS's form, <c>udp:127.0.0.1:P</c> (what t_uac_dlg's <c>socket</c> accepts).</summary>
    public IReadOnlyList<string> SocketNames { get; }

    /// <summary>Every SIP datagram sent so far (retransmissions included), in order.</summary>
    public IReadOnlyList<SipUacDatagram> Sent => [.. _sent];

    /// <summary>Opens the SIP sockets and makes the emulator's <c>t_uac_dlg</c> send through them.</summary>
    /// <param name="emulator">The emulator.</param>
    /// <param name="options">Timers and sockets; <see cref="SipUacOptions.Default"/> when null.</param>
    /// <returns>The UAC; dispose it to close the sockets and restore the emulator's default behaviour.</returns>
    public static MiEmulatorSipUac Attach(MiEmulator emulator, SipUacOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        options ??= SipUacOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SocketCount, 1, nameof(options));
        if (options.FinalResponseTimeout <= TimeSpan.Zero || options.T1 <= TimeSpan.Zero || options.T2 < options.T1)
        {
            throw new ArgumentException("FinalResponseTimeout and T1 must be positive and T2 at least T1.", nameof(options));
        }

        return new MiEmulatorSipUac(emulator, options);
    }

    private async Task<MiEmulatorReply> RespondAsync(MiUacRequest request, CancellationToken cancellationToken)
    {
        var index = request.Socket is null ? 0 : Array.FindIndex(SocketNames.ToArray(), n => n.Equals(request.Socket, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            return MiEmulatorReply.Error(404, "Local socket not found");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var ct = linked.Token;
        var local = SocketEndPoints[index];
        var branch = NewBranch();
        var datagram = SipUacMessage.Build(request, local, branch, _options.UserAgent);
        var destination = SipUacMessage.Destination(request.NextHop ?? request.Ruri);
        var deadline = Task.Delay(_options.FinalResponseTimeout, ct);
        var self = destination is null ? -1 : Array.IndexOf(SocketEndPoints.ToArray(), destination);
        if (self >= 0)
        {
            return await RelayAsync(request, datagram, local, self, deadline, ct).ConfigureAwait(false);
        }

        if (destination is null)
        {
            // Never leave loopback: behave as if nobody answered.
            await deadline.ConfigureAwait(false);
            return MiUac.Final("408 Request Timeout");
        }

        var (status, message) = await TransactAsync(index, datagram, branch, destination, deadline, null, ct).ConfigureAwait(false);
        return MiUac.Final(status, message);
    }

    /// <summary>
    /// The request reached the emulated OpenSIPS itself (next hop or Request-URI on one of its sockets): it is
    /// "received" there (the tracer sees it now), then relayed like a <c>t_relay()</c> route would: to the first
    /// registered contact when the Request-URI is the proxy's own (a usrloc lookup; 404 when the AOR has none),
    /// otherwise to the Request-URI; the replies come back through it without its Via.
    /// </summary>
    private async Task<MiEmulatorReply> RelayAsync(MiUacRequest request, byte[] datagram, IPEndPoint uac, int self, Task deadline, CancellationToken ct)
    {
        var proxy = SocketEndPoints[self];
        var text = Encoding.UTF8.GetString(datagram);
        var callId = SipRelay.CallId(text);
        var tracer = _emulator.Tracer;
        var traces = tracer.Match(SipRelay.Describe(text, uac.Address));
        var received = traces.Where(t => t.Info.Scope is "m" or "t" or "d").ToArray();
        var transaction = traces.Where(t => t.Info.Scope is "t" or "d").ToArray();
        var replies = traces.Where(t => t.Info.Scope is "t" or "d" or "b").ToArray();
        tracer.Send(received, datagram, uac, proxy, callId);

        var ruri = request.Ruri;
        var ruriTarget = SipUacMessage.Destination(ruri);
        if (ruriTarget is not null && SocketEndPoints.Contains(ruriTarget))
        {
            var (user, _) = SipRelay.UserHost(ruri);
            if (_emulator.State.Usrloc.Find(user) is not { Count: > 0 } contacts)
            {
                var notFound = SipRelay.LocalReply(text, "404 Not Found", Hex(4), _options.UserAgent);
                tracer.Send(replies, Encoding.UTF8.GetBytes(notFound), proxy, uac, callId);
                return MiUac.Final("404 Not Found", notFound[(notFound.IndexOf('\n', StringComparison.Ordinal) + 1)..]);
            }

            ruri = contacts[0].Contact;
        }

        var destination = SipUacMessage.Destination(ruri);
        if (destination is null)
        {
            await deadline.ConfigureAwait(false);
            return MiUac.Final("408 Request Timeout");
        }

        var relayBranch = NewBranch();
        var forwarded = SipRelay.Forward(text, ruri, proxy, relayBranch);
        void OnReply(string reply, IPEndPoint from)
        {
            tracer.Send(transaction, Encoding.UTF8.GetBytes(reply), from, proxy, callId);
            tracer.Send(replies, Encoding.UTF8.GetBytes(SipRelay.Backward(reply)), proxy, uac, callId);
        }

        void OnSend(byte[] bytes, IPEndPoint to) => tracer.Send(transaction, bytes, proxy, to, callId);

        var (status, message) = await TransactAsync(self, forwarded, relayBranch, destination, deadline, new Hooks(OnSend, OnReply), ct).ConfigureAwait(false);
        return MiUac.Final(status, status.StartsWith("408", StringComparison.Ordinal) && message is null ? null : SipRelay.Backward(message ?? string.Empty));
    }

    /// <summary>Sends a request from socket <paramref name="index"/> with tm's retransmissions until its final reply or the deadline.</summary>
    private async Task<(string Status, string? Message)> TransactAsync(int index, byte[] datagram, string branch, IPEndPoint destination, Task deadline, Hooks? hooks, CancellationToken ct)
    {
        var socket = _sockets[index];
        var local = SocketEndPoints[index];
        var transaction = new Transaction { OnReply = hooks?.OnReply };
        _pending[branch] = transaction;
        try
        {
            var interval = _options.T1;
            while (true)
            {
                // Traced before it leaves: the reply may come back before SendToAsync returns.
                hooks?.OnSend(datagram, destination);
                await socket.SendToAsync(datagram, SocketFlags.None, destination, ct).ConfigureAwait(false);
                _sent.Enqueue(new SipUacDatagram(local, destination, datagram));
                var retransmit = Task.Delay(transaction.Provisional ? _options.T2 : interval, ct);
                var first = await Task.WhenAny(transaction.Final.Task, deadline, retransmit).ConfigureAwait(false);
                if (first == transaction.Final.Task)
                {
                    return await transaction.Final.Task.ConfigureAwait(false);
                }

                if (first == deadline)
                {
                    await deadline.ConfigureAwait(false);
                    return ("408 Request Timeout", null);
                }

                await retransmit.ConfigureAwait(false);
                interval = interval * 2 > _options.T2 ? _options.T2 : interval * 2;
            }
        }
        finally
        {
            _pending.TryRemove(branch, out _);
        }
    }

    private static string NewBranch() => "z9hG4bK" + Hex(2) + "." + Hex(4) + ".0";

    private async Task ReceiveLoopAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[65535];
        while (!ct.IsCancellationRequested)
        {
            int length;
            IPEndPoint from;
            try
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct).ConfigureAwait(false);
                length = received.ReceivedBytes;
                from = (IPEndPoint)received.RemoteEndPoint;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port unreachable from an earlier send surfaces here on some systems; keep listening.
                continue;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, length);
            if (SipUacMessage.TryParseReply(text, out var code, out var status, out var message, out var branch)
                && _pending.TryGetValue(branch, out var transaction))
            {
                transaction.OnReply?.Invoke(text, from);
                if (code < 200)
                {
                    transaction.Provisional = true;
                }
                else
                {
                    transaction.Final.TrySetResult((status, message));
                }
            }
        }
    }

    private static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Closes the sockets, ends pending transactions and gives the emulator back its default t_uac_dlg.</summary>
    /// <returns>A task that completes when the receivers stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_emulator.UacResponder == (MiUacResponder)RespondAsync)
        {
            _emulator.UacResponder = null;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_receivers).ConfigureAwait(false);
        _emulator.State.SipSockets.Clear();
        foreach (var name in _previousSockets)
        {
            _emulator.State.SipSockets.Add(name);
        }

        _stopping.Dispose();
    }

    private sealed class Transaction
    {
        public TaskCompletionSource<(string Status, string? Message)> Final { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Sees every reply of a relayed request (the tracer).</summary>
        public Action<string, IPEndPoint>? OnReply { get; init; }

        public volatile bool Provisional;
    }

    /// <summary>What a relayed transaction reports to the tracer.</summary>
    private sealed record Hooks(Action<byte[], IPEndPoint> OnSend, Action<string, IPEndPoint> OnReply);
}

/// <summary>One SIP datagram the emulated tm sent.</summary>
/// <param name="From">The local socket.</param>
/// <param name="To">The destination.</param>
/// <param name="Bytes">The datagram.</param>
public sealed record SipUacDatagram(IPEndPoint From, IPEndPoint To, byte[] Bytes)
{
    /// <summary>The datagram as text.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);
}
