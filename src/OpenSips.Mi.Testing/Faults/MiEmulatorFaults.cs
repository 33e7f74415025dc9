namespace OpenSips.Mi.Testing;

/// <summary>The fault-injection rules of an emulator; every matching rule applies to a reply.</summary>
public sealed class MiEmulatorFaults
{
    private readonly Lock _gate = new();
    private readonly List<MiFault> _faults = [];

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
