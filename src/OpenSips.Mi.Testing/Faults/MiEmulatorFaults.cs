namespace OpenSips.Mi.Testing;

/// <summary>The fault-injection rules of an emulator; every matching rule applies to a reply.</summary>
public sealed class MiEmulatorFaults
{
    private readonly Lock _gate = new();
    private readonly List<MiFault> _faults = [];
    private readonly Dictionary<string, List<TaskCompletionSource>> _held = [];

    /// <summary>Adds a rule.</summary>
    /// <param name="fault">The rule.</param>
    /// <returns>The same rule, to inspect <see cref="MiFault.Fired"/> or remove it later.</returns>
    public MiFault Add(MiFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            _faults.Add(fault);
        }

        return fault;
    }

    /// <summary>Removes a rule.</summary>
    /// <param name="fault">The rule.</param>
    /// <returns>Whether it was there.</returns>
    public bool Remove(MiFault fault)
    {
        lock (_gate)
        {
            return _faults.Remove(fault);
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    internal FaultPlan PlanFor(MiEmulatorRequest request)
    {
        MiFault[] rules;
        lock (_gate)
        {
            rules = _faults.ToArray();
        }

        var plan = new FaultPlan();
        foreach (var rule in rules.Where(r => r.TryFire(request)))
        {
            plan.Apply(rule);
        }

        return plan;
    }

    /// <summary>Waits until another reply on <paramref name="transport"/> has been sent, or <paramref name="maxHold"/> passes.</summary>
    internal async Task HoldUntilNextReplyAsync(string transport, TimeSpan maxHold, TimeProvider time, CancellationToken cancellationToken)
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (!_held.TryGetValue(transport, out var waiting))
            {
                _held[transport] = waiting = [];
            }

            waiting.Add(next);
        }

        try
        {
            await next.Task.WaitAsync(maxHold, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No other reply came: send it anyway.
        }
        finally
        {
            lock (_gate)
            {
                _held[transport].Remove(next);
            }
        }
    }

    /// <summary>Releases the replies held by <see cref="MiFaultKind.ReorderReply"/> once another reply has gone out.</summary>
    internal void ReplySent(string transport)
    {
        TaskCompletionSource[] release;
        lock (_gate)
        {
            if (!_held.TryGetValue(transport, out var waiting) || waiting.Count == 0)
            {
                return;
            }

            release = [.. waiting];
            waiting.Clear();
        }

        foreach (var held in release)
        {
            held.TrySetResult();
        }
    }
}

/// <summary>The combined effect of the rules that fired for one reply.</summary>
internal sealed class FaultPlan
{
    public bool Drop { get; private set; }

    public TimeSpan Delay { get; private set; }

    public bool Duplicate { get; private set; }

    public int? Truncate { get; private set; }

    public ReadOnlyMemory<byte>? Replace { get; private set; }

    public bool CloseConnection { get; private set; }

    public bool NeverEndingBody { get; private set; }

    public bool NeverOpenReply { get; private set; }

    public bool HalfReplyThenStop { get; private set; }

    public bool Reorder { get; private set; }

    public TimeSpan ReorderHold { get; private set; }

    public void Apply(MiFault f)
    {
        switch (f.Kind)
        {
            case MiFaultKind.DropReply: Drop = true; break;
            case MiFaultKind.DelayReply: Delay += f.Delay; break;
            case MiFaultKind.DuplicateReply: Duplicate = true; break;
            case MiFaultKind.TruncateReply: Truncate = f.Bytes; break;
            case MiFaultKind.ReplaceReply: Replace = f.Replacement; break;
            case MiFaultKind.CloseConnection: CloseConnection = true; break;
            case MiFaultKind.NeverEndingBody: NeverEndingBody = true; break;
            case MiFaultKind.NeverOpenReply: NeverOpenReply = true; break;
            case MiFaultKind.HalfReplyThenStop: HalfReplyThenStop = true; break;
            case MiFaultKind.ReorderReply: Reorder = true; ReorderHold = f.Delay > ReorderHold ? f.Delay : ReorderHold; break;
        }
    }

    /// <summary>Replace then truncate the payload.</summary>
    public ReadOnlyMemory<byte> Transform(ReadOnlyMemory<byte> payload)
    {
        if (Replace is { } r)
        {
            payload = r;
        }

        if (Truncate is { } t && t < payload.Length)
        {
            payload = payload[..Math.Max(0, t)];
        }

        return payload;
    }
}
