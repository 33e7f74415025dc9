namespace OpenSips.Mi.Cli.Hosting;

/// <summary>What the <c>emulator</c> subcommand asks for: fixed ports and paths, or <see langword="null"/> for "any free one".</summary>
internal sealed record EmulatorRequest(int? UdpPort = null, int? HttpPort = null, string? FifoPath = null, string? UnixPath = null)
{
    /// <summary>True when no transport was named: the emulator then listens on UDP and HTTP.</summary>
    public bool IsDefault => UdpPort is null && HttpPort is null && FifoPath is null && UnixPath is null;
}

/// <summary>A running in-process emulator.</summary>
internal interface IEmulatedServer : IAsyncDisposable
{
    /// <summary>The endpoints as URIs the client accepts, the preferred one first.</summary>
    IReadOnlyList<string> Endpoints { get; }
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

    public Task<IEmulatedServer> StartAsync(EmulatorRequest request, CancellationToken cancellationToken) =>
        throw new UsageException("the OpenSips.Mi.Testing emulator is not part of this build yet: --emulated and 'emulator' arrive with it; use --url for now");
}
