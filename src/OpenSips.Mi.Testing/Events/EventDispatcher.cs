using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>
/// Delivers raised events to the live subscribers, in raise order, like OpenSIPS's event_datagram and event_stream:
/// UDP from one ephemeral socket on 127.0.0.1 (docs/wire-facts.md#ev-datagram), unix datagrams from an unbound socket, and TCP on one
/// persistent connection per subscriber host:port that the emulator opens, notifications back-to-back (docs/wire-facts.md#ev-stream).
/// A subscriber that cannot be reached is skipped (OpenSIPS logs and moves on).
/// </summary>
internal sealed class EventDispatcher : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly MiEmulatorState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, Socket> _tcp = new(StringComparer.Ordinal);
    private readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _unix = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Task _loop;

    public EventDispatcher(MiEmulatorState state, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _state = state;
        _time = time;
        _logger = loggerFactory.CreateLogger<EventDispatcher>();
        _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The UDP address events are sent from (an ephemeral port, not the MI port).</summary>
    public IPEndPoint UdpSource => (IPEndPoint)_udp.LocalEndPoint!;

    /// <summary>The subscribers an event goes to now (not expired), oldest first.</summary>
    public IReadOnlyList<MiSubscriber> Live(string eventName)
    {
        var now = _time.GetUtcNow();
        return _state.Subscribers.Where(s => s.Event == eventName && !s.IsExpired(now)).Reverse().ToArray();
    }

    /// <summary>Queues an event for every live subscriber; the task completes when it was sent (its value: to how many).</summary>
    public Task<int> Raise(string eventName, byte[] parameters)
    {
        // Like evi_raise_event: expired subscribers are dropped as the event goes out.
        _state.RemoveExpired(eventName, _time.GetUtcNow());
        var subscribers = Live(eventName);
        if (subscribers.Count == 0)
        {
            return Task.FromResult(0);
        }

        var delivery = new Delivery(eventName, parameters, subscribers, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(delivery))
        {
            return Task.FromResult(0);
        }

        return delivery.Done.Task;
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var d in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var sent = 0;
                foreach (var s in d.Subscribers)
                {
                    if (await SendAsync(s.Socket, d.Event, d.Parameters).ConfigureAwait(false))
                    {
                        sent++;
                    }
                }

                d.Done.TrySetResult(sent);
            }
        }
        catch (OperationCanceledException)
        {
        }

        while (_queue.Reader.TryRead(out var left))
        {
            left.Done.TrySetResult(0);
        }
    }

    private async Task<bool> SendAsync(string socket, string eventName, byte[] parameters)
    {
        var target = EventSubscriberSocket.Parse(socket);
        if (target is null)
        {
            return false;
        }

        var payload = EventPayload.Notification(target.Method ?? eventName, parameters);
        try
        {
            switch (target.Proto)
            {
                case "udp":
                    await _udp.SendToAsync(payload, SocketFlags.None, await target.ResolveAsync(_stop.Token).ConfigureAwait(false), _stop.Token).ConfigureAwait(false);
                    return true;
                case "unix":
                    await _unix.SendToAsync(payload, SocketFlags.None, new UnixDomainSocketEndPoint(target.Path!), _stop.Token).ConfigureAwait(false);
                    return true;
                default:
                    return await SendTcpAsync(target, payload).ConfigureAwait(false);
            }
        }
        catch (SocketException ex)
        {
            EventLog.DeliveryFailed(_logger, eventName, socket, ex);
            return false;
        }
    }

    private async Task<bool> SendTcpAsync(EventSubscriberSocket target, byte[] payload)
    {
        // One retry on a new connection: the subscriber may have closed the previous one.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (!_tcp.TryGetValue(target.ConnectionKey, out var connection))
            {
                var endPoint = await target.ResolveAsync(_stop.Token).ConfigureAwait(false);
                connection = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                using var connect = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                connect.CancelAfter(ConnectTimeout);
                try
                {
                    await connection.ConnectAsync(endPoint, connect.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !_stop.IsCancellationRequested))
                {
                    connection.Dispose();
                    throw ex as SocketException ?? new SocketException((int)SocketError.TimedOut);
                }

                _tcp[target.ConnectionKey] = connection;
            }

            try
            {
                await connection.SendAsync(payload, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                return true;
            }
            catch (SocketException) when (attempt == 0)
            {
                connection.Dispose();
                _tcp.Remove(target.ConnectionKey);
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var c in _tcp.Values)
        {
            c.Dispose();
        }

        _tcp.Clear();
        _udp.Dispose();
        _unix.Dispose();
        _stop.Dispose();
    }

    private sealed record Delivery(string Event, byte[] Parameters, IReadOnlyList<MiSubscriber> Subscribers, TaskCompletionSource<int> Done);
}
