using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OpenSips.Mi;

/// <summary>
/// The names OpenTelemetry users subscribe to: an <see cref="ActivitySource"/> and a <see cref="Meter"/> both called
/// <c>OpenSips.Mi</c>. Each call is a client span with <c>rpc.system</c>, <c>rpc.method</c>, <c>server.address</c> and
/// <c>opensips.mi.outcome</c>; the meter counts calls and errors, records durations and tracks calls in flight.
/// </summary>
public static class MiDiagnostics
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "OpenSips.Mi";

    internal static readonly ActivitySource ActivitySource = new(Name, typeof(MiDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(MiDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("opensips.mi.calls", "{call}", "MI calls made, by method, transport and outcome.");

    internal static readonly Counter<long> Errors = Meter.CreateCounter<long>("opensips.mi.errors", "{call}", "MI calls that ended in an MI error or an exception.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("opensips.mi.call.duration", "s", "Time from sending an MI request to its outcome.");

    internal static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>("opensips.mi.calls.in_flight", "{call}", "MI calls waiting for their reply.");
}
