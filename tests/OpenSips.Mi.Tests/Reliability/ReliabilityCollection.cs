namespace OpenSips.Mi.Tests.Reliability;

/// <summary>
/// The heavy and process-wide tests (10,000-call runs, /proc/self/fd counts) run alone, after the parallel tests, so that
/// other tests' sockets and timing do not disturb their measurements.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilitySerial
{
    public const string Name = "Reliability (serial)";
}
