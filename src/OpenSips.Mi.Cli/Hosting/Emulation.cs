using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Cli.Hosting;

/// <summary>What the <c>emulator</c> subcommand asks for: fixed ports and paths, or <see langword="null"/> for "any free one".</summary>
internal sealed record EmulatorRequest(int? UdpPort = null, int? HttpPort = null, string? FifoPath = null, string? UnixPath = null)
{
    /// <summary>True when no transport was named: the emulator then listens on UDP and HTTP.</summary>
    public bool IsDefault => UdpPort is null && HttpPort is null && FifoPath is null && UnixPath is null;

    /// <summary>For <c>bench</c>: keep no record of requests (millions of them), and let HTTP requests run concurrently.</summary>
    public bool ForLoad { get; init; }
}

/// <summary>A running in-process emulator.</summary>
internal interface IEmulatedServer : IAsyncDisposable
{
    /// <summary>The endpoints as URIs the client accepts, the preferred one first.</summary>
    IReadOnlyList<string> Endpoints { get; }

    /// <summary>Requests that could not be honoured exactly (e.g. a fixed port), to tell the user.</summary>
    IReadOnlyList<string> Notes { get; }

    /// <summary>Where the emulated mi_fifo looks for reply FIFOs (its <c>reply_dir</c>), when it serves mi_fifo.</summary>
    string? FifoReplyDirectory => null;
}

/// <summary>Starts emulators; the tool uses <see cref="EmulatorFactory.Default"/>, tests may inject their own.</summary>
internal interface IEmulatorFactory
{
    Task<IEmulatedServer> StartAsync(EmulatorRequest request, CancellationToken cancellationToken);
}

/// <summary>The factory backed by the <c>OpenSips.Mi.Testing</c> emulator.</summary>
internal sealed class EmulatorFactory : IEmulatorFactory
{
    public static readonly EmulatorFactory Default = new();

    public async Task<IEmulatedServer> StartAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var all = request.IsDefault;
        var options = new MiEmulatorOptions
        {
            EnableUdp = all || request.UdpPort is not null,
            EnableHttp = all || request.HttpPort is not null,
            EnableUnix = request.UnixPath is not null,
            EnableFifo = request.FifoPath is not null,
            RecordRequests = !request.ForLoad,
            HttpSerializesAsyncCommands = !request.ForLoad,
            UdpPort = request.UdpPort,
            HttpPort = request.HttpPort,
            FifoPath = string.IsNullOrEmpty(request.FifoPath) ? null : request.FifoPath,
            UnixSocketPath = string.IsNullOrEmpty(request.UnixPath) ? null : request.UnixPath,
        };

        MiEmulator emulator;
        try
        {
            emulator = await MiEmulator.StartAsync(options, cancellationToken);
        }
        catch (IOException ex)
        {
            // A taken port or an existing path: one clear line, exit code 3.
            throw new MiTransportException(ex.Message, ex);
        }

        var endpoints = new List<string>();
        if (options.EnableUdp)
        {
            endpoints.Add(emulator.UdpUri);
        }

        if (options.EnableHttp)
        {
            endpoints.Add(emulator.HttpUriString);
            endpoints.Add(emulator.XmlRpcUriString);
        }

        if (options.EnableUnix)
        {
            endpoints.Add(emulator.UnixUri);
        }

        if (options.EnableFifo)
        {
            endpoints.Add(emulator.FifoUri);
        }

        return new Server(emulator, endpoints, [], options.EnableFifo ? emulator.FifoReplyDirectory : null);
    }

    private sealed class Server(MiEmulator emulator, IReadOnlyList<string> endpoints, IReadOnlyList<string> notes, string? fifoReplyDirectory) : IEmulatedServer
    {
        public string? FifoReplyDirectory => fifoReplyDirectory;

        public IReadOnlyList<string> Endpoints => endpoints;

        public IReadOnlyList<string> Notes => notes;

        public ValueTask DisposeAsync() => emulator.DisposeAsync();
    }
}
