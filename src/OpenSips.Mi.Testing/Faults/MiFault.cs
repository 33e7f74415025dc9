namespace OpenSips.Mi.Testing;

/// <summary>A fault-injection rule: when a request matches, its reply is altered. Create with the static factories.</summary>
public sealed class MiFault
{
    private int _remaining;

    private MiFault(MiFaultKind kind, Func<MiEmulatorRequest, bool>? when, string? transport, int? times)
    {
        Kind = kind;
        When = when;
        Transport = transport;
        _remaining = times ?? -1;
    }

    /// <summary>What the fault does.</summary>
    public MiFaultKind Kind { get; }

    /// <summary>The request predicate; null matches every request.</summary>
    public Func<MiEmulatorRequest, bool>? When { get; }

    /// <summary>The transport it applies to (a <see cref="MiTransport"/> name); null for all.</summary>
    public string? Transport { get; }

    /// <summary>The delay of <see cref="MiFaultKind.DelayReply"/>.</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>How many bytes <see cref="MiFaultKind.TruncateReply"/> keeps.</summary>
    public int Bytes { get; private init; }

    /// <summary>The bytes <see cref="MiFaultKind.ReplaceReply"/> sends.</summary>
    public ReadOnlyMemory<byte> Replacement { get; private init; }

    /// <summary>How many times the fault fired.</summary>
    public int Fired { get; private set; }

    /// <summary>The reply is not sent.</summary>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="transport">Which transport (<see cref="MiTransport"/>); null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault DropReply(Func<MiEmulatorRequest, bool>? when = null, string? transport = null, int? times = null) =>
        new(MiFaultKind.DropReply, when, transport, times);

    /// <summary>The reply is sent after <paramref name="delay"/>.</summary>
    /// <param name="delay">The delay.</param>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="transport">Which transport; null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault DelayReply(TimeSpan delay, Func<MiEmulatorRequest, bool>? when = null, string? transport = null, int? times = null) =>
        new(MiFaultKind.DelayReply, when, transport, times) { Delay = delay };

    /// <summary>The reply is sent twice.</summary>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="transport">Which transport; null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault DuplicateReply(Func<MiEmulatorRequest, bool>? when = null, string? transport = null, int? times = null) =>
        new(MiFaultKind.DuplicateReply, when, transport, times);

    /// <summary>Only the first <paramref name="bytes"/> bytes of the reply (HTTP: of the body) are sent.</summary>
    /// <param name="bytes">How many bytes to keep.</param>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="transport">Which transport; null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault TruncateReply(int bytes, Func<MiEmulatorRequest, bool>? when = null, string? transport = null, int? times = null) =>
        new(MiFaultKind.TruncateReply, when, transport, times) { Bytes = bytes };

    /// <summary><paramref name="replacement"/> is sent instead of the reply (HTTP: as the body).</summary>
    /// <param name="replacement">The bytes, e.g. <see cref="ParseErrorText"/> or garbage.</param>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="transport">Which transport; null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault ReplaceReply(ReadOnlyMemory<byte> replacement, Func<MiEmulatorRequest, bool>? when = null, string? transport = null, int? times = null) =>
        new(MiFaultKind.ReplaceReply, when, transport, times) { Replacement = replacement };

    /// <summary>HTTP: half the response is written, then the connection closed.</summary>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault CloseConnection(Func<MiEmulatorRequest, bool>? when = null, int? times = null) =>
        new(MiFaultKind.CloseConnection, when, null, times);

    /// <summary>HTTP: a <c>200</c> with chunked encoding and no chunk ever.</summary>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault NeverEndingBody(Func<MiEmulatorRequest, bool>? when = null, int? times = null) =>
        new(MiFaultKind.NeverEndingBody, when, null, times);

    /// <summary>FIFO: the reply FIFO is never opened.</summary>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault NeverOpenReply(Func<MiEmulatorRequest, bool>? when = null, int? times = null) =>
        new(MiFaultKind.NeverOpenReply, when, MiTransport.Fifo, times);

    /// <summary>FIFO: half the reply is written and the FIFO held open without EOF.</summary>
    /// <param name="when">Which requests; null = all.</param>
    /// <param name="times">How many times it fires at most; null = always.</param>
    /// <returns>The fault.</returns>
    public static MiFault HalfReplyThenStop(Func<MiEmulatorRequest, bool>? when = null, int? times = null) =>
        new(MiFaultKind.HalfReplyThenStop, when, MiTransport.Fifo, times);

    /// <summary>A predicate true with probability <paramref name="probability"/>, reproducible from <paramref name="seed"/>.</summary>
    /// <param name="probability">Between 0 and 1.</param>
    /// <param name="seed">The Random seed.</param>
    /// <returns>The predicate.</returns>
    public static Func<MiEmulatorRequest, bool> WithProbability(double probability, int seed)
    {
#pragma warning disable CA5394 // Reproducible test randomness, not security.
        var random = new Random(seed);
        return _ =>
        {
            lock (random)
            {
                return random.NextDouble() < probability;
            }
        };
#pragma warning restore CA5394
    }

    /// <summary>The 15-byte plain text mi_datagram sends for unparsable requests.</summary>
    public static ReadOnlyMemory<byte> ParseErrorText { get; } = "400 Parse_error"u8.ToArray();

    /// <summary>The 18-byte plain text mi_datagram sends when a reply cannot be printed or is too big.</summary>
    public static ReadOnlyMemory<byte> InternalErrorText { get; } = "500 Internal error"u8.ToArray();

    internal bool TryFire(MiEmulatorRequest request)
    {
        if (Transport is not null && Transport != request.Transport)
        {
            return false;
        }

        if (When is not null && !When(request))
        {
            return false;
        }

        lock (this)
        {
            if (_remaining == 0)
            {
                return false;
            }

            if (_remaining > 0)
            {
                _remaining--;
            }

            Fired++;
            return true;
        }
    }
}
