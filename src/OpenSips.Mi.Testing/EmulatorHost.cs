using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenSips.Mi.Testing;

/// <summary>What every transport server needs from the emulator: the MI core, recording, faults, clock and shutdown.</summary>
internal sealed class EmulatorHost
{
    private readonly Lock _gate = new();
    private readonly List<MiEmulatorRequest> _received = [];
    private readonly List<Task> _inFlight = [];

    public EmulatorHost(MiCore core, MiEmulatorFaults faults, MiEmulatorOptions options, CancellationToken stopping)
    {
        Core = core;
        Faults = faults;
        Options = options;
        Stopping = stopping;
        Time = options.TimeProvider ?? TimeProvider.System;
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
    }

    public MiCore Core { get; }

    public MiEmulatorFaults Faults { get; }

    public MiEmulatorOptions Options { get; }

    public CancellationToken Stopping { get; }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IReadOnlyList<MiEmulatorRequest> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToArray();
            }
        }
    }

    public MiEmulatorRequest NewRequest(string transport, ReadOnlyMemory<byte> bytes)
    {
        var request = new MiEmulatorRequest(transport, bytes, Time.GetUtcNow());
        if (Options.RecordRequests)
        {
            lock (_gate)
            {
                _received.Add(request);
            }
        }

        return request;
    }

    public void ClearReceived()
    {
        lock (_gate)
        {
            _received.Clear();
        }
    }

    /// <summary>Runs work in the background and remembers it so disposal can wait for it.</summary>
    public void Track(Func<Task> work)
    {
        var task = Task.Run(work);
        lock (_gate)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            _inFlight.Add(task);
        }
    }

    public async Task DrainAsync()
    {
        Task[] tasks;
        lock (_gate)
        {
            tasks = _inFlight.ToArray();
        }

        try
        {
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Shutdown: in-flight work was cancelled or failed; nothing left to report.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
