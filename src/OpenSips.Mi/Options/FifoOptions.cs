namespace OpenSips.Mi;

/// <summary>mi_fifo (OpenSIPS's <c>modparam("mi_fifo", "fifo_name", "/tmp/opensips_fifo")</c>).</summary>
public sealed record FifoOptions : MiConnectionOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="fifoPath">Absolute path of OpenSIPS's FIFO.</param>
    public FifoOptions(string fifoPath)
    {
        FifoPath = fifoPath;
    }

    /// <summary>mi_fifo's largest command (prefix, JSON and newline): 4096 bytes (docs/wire-facts.md#fifo-names-and-limit).</summary>
    public const int MaxRequestBytes = 4096;

    private const int MaxReplyPathBytes = 128;

    /// <summary>Absolute path of OpenSIPS's FIFO.</summary>
    public string FifoPath { get; init; }

    /// <summary>
    /// mi_fifo's <c>reply_dir</c>: where the client creates its reply FIFOs and where OpenSIPS opens them. Must be the same
    /// folder as OpenSIPS's setting (default <c>/tmp/</c>). The client creates its FIFOs there with random names and mode
    /// 0622 (OpenSIPS, often another user, only needs to write to it); see <see cref="ReuseReplyFifos"/> for how long they
    /// live. The full path must stay under 128 bytes. If OpenSIPS cannot open these FIFOs in a sticky world-writable directory such as <c>/tmp</c>
    /// (Linux's <c>fs.protected_fifos</c>), use a directory of its own and set mi_fifo's <c>reply_dir</c> to it.
    /// </summary>
    public string ReplyDirectory { get; init; } = "/tmp/";

    /// <summary>
    /// Keeps a small pool of reply FIFOs (up to 16 idle) and reuses them call after call, instead of creating and deleting
    /// one per call. Default <see langword="true"/>: creating a FIFO costs more than the whole exchange with OpenSIPS
    /// (a FIFO per call measured at about 0.6 of the throughput, see docs/performance.md). The pooled FIFOs stay in
    /// <see cref="ReplyDirectory"/> (mode 0622, unpredictable names) while the client lives and are removed when it is
    /// disposed, as a unix socket client keeps its socket. Only a FIFO that OpenSIPS wrote a reply into and closed serves
    /// again; after a timeout, a cancellation or a failure to read it is deleted, so a late reply can never reach another call. Set it to
    /// <see langword="false"/> for a fresh FIFO per call, removed when the call ends.
    /// </summary>
    public bool ReuseReplyFifos { get; init; } = true;

    /// <inheritdoc/>
    public override string TransportName => "mi_fifo";

    /// <inheritdoc/>
    public override string ToUriString() => "fifo://" + FifoPath;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(FifoPath) || !Path.IsPathRooted(FifoPath))
        {
            throw new ArgumentException($"FifoPath '{FifoPath}' must be an absolute path, for example fifo:///tmp/opensips_fifo.", nameof(FifoPath));
        }

        if (!File.Exists(FifoPath) && !Directory.Exists(FifoPath))
        {
            throw new ArgumentException($"FifoPath '{FifoPath}' does not exist: is OpenSIPS running with mi_fifo and this fifo_name?", nameof(FifoPath));
        }

        if (Interop.IsFifo(FifoPath) == false)
        {
            throw new ArgumentException($"FifoPath '{FifoPath}' is not a FIFO: give mi_fifo's fifo_name.", nameof(FifoPath));
        }

        if (string.IsNullOrWhiteSpace(ReplyDirectory) || !Directory.Exists(ReplyDirectory))
        {
            throw new ArgumentException($"ReplyDirectory '{ReplyDirectory}' does not exist: give mi_fifo's reply_dir (default /tmp/).", nameof(ReplyDirectory));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(Path.Combine(ReplyDirectory, ReplyFifo.NewName())) >= MaxReplyPathBytes)
        {
            throw new ArgumentException($"ReplyDirectory '{ReplyDirectory}' is too long: a reply FIFO's full path must stay under {MaxReplyPathBytes} bytes for mi_fifo; use a shorter reply_dir.", nameof(ReplyDirectory));
        }
    }
}
