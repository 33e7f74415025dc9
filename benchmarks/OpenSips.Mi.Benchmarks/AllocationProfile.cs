using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace OpenSips.Mi.Benchmarks;

/// <summary>
/// Where the bytes of one <c>CommandAsync("uptime")</c> over UDP go, by type: the runtime's sampled allocation events
/// (<c>GCAllocationTick</c>, one about every 100 KB, naming the type being allocated) over many calls against the
/// allocation-free <see cref="RawResponder"/>, scaled to bytes per call. A profile, not a timing: run it with
/// <c>dotnet run -c Release --project benchmarks/OpenSips.Mi.Benchmarks -- allocations [CALLS]</c>.
/// </summary>
internal static class AllocationProfile
{
    public static async Task<int> RunAsync(int calls)
    {
        using var responder = new RawResponder();
        await using var client = MiClient.Connect($"udp://127.0.0.1:{responder.Port}");
        for (var i = 0; i < 20_000; i++)
        {
            await client.CommandAsync("uptime");
        }

        var unobserved = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++)
        {
            await client.CommandAsync("uptime");
        }

        unobserved = GC.GetTotalAllocatedBytes(precise: true) - unobserved;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"without the listener: {(double)unobserved / calls:0.0} B per call"));

        using var listener = new AllocationListener();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++)
        {
            await client.CommandAsync("uptime");
        }

        var total = GC.GetTotalAllocatedBytes(precise: true) - before;
        listener.Stop();
        var sampled = listener.Bytes.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{calls:N0} calls of CommandAsync(\"uptime\") over UDP: {(double)total / calls:0.0} B per call with the listener on"));
        Console.WriteLine($"by type, from {listener.Samples} allocation samples (each share of the sampled bytes scaled to the measured total):");
        foreach (var (type, bytes) in listener.Bytes.OrderByDescending(p => p.Value))
        {
            var perCall = sampled == 0 ? 0 : (double)bytes / sampled * total / calls;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {perCall,7:0.0} B  {type}"));
        }

        return 0;
    }

    private sealed class AllocationListener : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;
        private volatile bool _stopped;

        public ConcurrentDictionary<string, long> Bytes { get; } = new(StringComparer.Ordinal);

        public int Samples;

        public void Stop() => _stopped = true;

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (_stopped || !(eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) ?? false) || eventData.Payload is null)
            {
                return;
            }

            var type = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
            var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 100_000;
            Bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
            Interlocked.Increment(ref Samples);
        }
    }
}
