namespace OpenSips.Mi.Testing;

/// <summary>The emulated OpenSIPS's mutable state; tests may seed or inspect it. Members are thread-safe unless noted.</summary>
public sealed class MiEmulatorState
{
    private readonly Lock _gate = new();
    private readonly List<MiSubscriber> _subscribers = [];
    private int _globalLogLevel = 3;

    internal MiEmulatorState(TimeProvider time, MiEmulatorDialect dialect = MiEmulatorDialect.OpenSips36)
    {
        if (dialect == MiEmulatorDialect.OpenSips40)
        {
            // 4.0's core publishes two profiling events after E_CORE_TCP_DISCONNECT.
            var at = Events.IndexOf("E_CORE_TCP_DISCONNECT") + 1;
            Events.Insert(at, "E_PROFILING_SCRIPT");
            Events.Insert(at + 1, "E_PROFILING_PROC");
        }

        StartedAt = time.GetLocalNow();
        Processes =
        [
            new(0, 22393, "attendant"), new(1, 22395, "HTTPD 127.0.0.1:8888"), new(2, 22396, "MI Datagram"),
            new(3, 22397, "MI FIFO"), new(4, 22398, "event_stream Sender"), new(5, 22399, "time_keeper"),
            new(6, 22400, "timer"), new(7, 22401, "SIP receiver udp:127.0.0.1:5060"), new(8, 22402, "SIP receiver udp:127.0.0.1:5060"),
            new(9, 22403, "SIP receiver udp:127.0.0.1:5060"), new(10, 22404, "SIP receiver udp:127.0.0.1:5060"), new(11, 22405, "Timer handler"),
        ];
        var expires = time.GetUtcNow().AddSeconds(3600);
        Usrloc.Add("bob", new MiContact
        {
            Contact = "sip:bob@127.0.0.1:5080", ContactId = "932456229098240141", ExpiresAt = expires, CallId = "reg-bob-1@127.0.0.1",
        });
        Usrloc.Add("alice", new MiContact
        {
            Contact = "sip:alice@127.0.0.1:5080", ContactId = "4465107924305322451", ExpiresAt = expires, CallId = "reg-alice-1@127.0.0.1",
        });
    }

    /// <summary>When the emulated server started (uptime's "Up since").</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The statistics.</summary>
    public MiStatistics Statistics { get; } = new();

    /// <summary>The cachedb_local store behind <c>cache_store</c>/<c>cache_fetch</c>/<c>cache_remove</c> (system <c>local</c>).</summary>
    internal MiCache Cache { get; } = new();

    /// <summary>The usrloc table, seeded with <c>alice</c> and <c>bob</c> as in the captures.</summary>
    public MiUsrloc Usrloc { get; } = new();

    /// <summary>The process table (not thread-safe: seed it before sending requests).</summary>
    public IList<MiProcess> Processes { get; }

    /// <summary>The SIP listening sockets (for t_uac_dlg <c>socket</c>); not thread-safe.</summary>
    public IList<string> SipSockets { get; } = ["udp:127.0.0.1:5060"];

    /// <summary>The events known to the Event Interface, in id order; not thread-safe.</summary>
    public IList<string> Events { get; } =
    [
        "E_CORE_SR_STATUS_CHANGED", "E_CORE_THRESHOLD", "E_CORE_SHM_THRESHOLD", "E_CORE_PKG_THRESHOLD", "E_CORE_PROC_AUTO_SCALE",
        "E_CORE_TCP_DISCONNECT", "E_UL_AOR_INSERT", "E_UL_AOR_DELETE", "E_UL_CONTACT_INSERT", "E_UL_CONTACT_UPDATE",
        "E_UL_CONTACT_DELETE", "E_UL_CONTACT_REFRESH", "E_UL_LATENCY_UPDATE", "E_DLG_STATE_CHANGED", "E_CORE_LOG",
    ];

    /// <summary>The working directory <c>pwd</c> prints.</summary>
    public string WorkingDirectory { get; set; } = "/";

    /// <summary>The command line <c>arg</c> prints.</summary>
    public IList<string> Arguments { get; } = ["opensips", "-F", "-f", "/etc/opensips/opensips.cfg"];

    /// <summary>The global log level (<c>log_level</c> set without pid changes it and every process's level).</summary>
    public int GlobalLogLevel
    {
        get => Volatile.Read(ref _globalLogLevel);
        set => Volatile.Write(ref _globalLogLevel, value);
    }

    /// <summary>A snapshot of the event subscriptions.</summary>
    public IReadOnlyList<MiSubscriber> Subscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.ToArray();
            }
        }
    }

    /// <summary>Drops the expired subscribers of an event (OpenSIPS does it before listing them).</summary>
    internal void RemoveExpired(string eventName, DateTimeOffset now)
    {
        lock (_gate)
        {
            _subscribers.RemoveAll(s => s.Event == eventName && s.IsExpired(now));
        }
    }

    /// <summary>Adds or refreshes a subscription (same event and socket: it keeps its place, with the new expire and time).</summary>
    /// <param name="subscriber">The subscription.</param>
    public void Subscribe(MiSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            var i = _subscribers.FindIndex(s => s.Event == subscriber.Event && s.Socket == subscriber.Socket);
            if (i >= 0)
            {
                _subscribers[i] = subscriber;
            }
            else
            {
                // OpenSIPS lists the newest subscriber of an event first.
                _subscribers.Insert(0, subscriber);
            }
        }
    }
}
