namespace OpenSips.Mi.Testing.Tests;

/// <summary>A client-side reply FIFO: created and opened for reading (in the background, the open blocks) before the command is written.</summary>
internal sealed class ReplyFifo : IDisposable
{
    private readonly Task<FileStream> _open;

    public ReplyFifo(string directory, string name)
    {
        Path = System.IO.Path.Combine(directory, name);
        FifoNative.Create(Path);
        // A reader blocked in open() already counts as a reader, so the server's non-blocking open succeeds.
        _open = Task.Run(() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1));
    }

    public string Path { get; }

    /// <summary>The reply up to EOF, or null when nothing was opened/written within <paramref name="timeout"/>.</summary>
    public async Task<byte[]?> ReadAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            var stream = await _open.WaitAsync(timeout, ct);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct).WaitAsync(timeout, ct);
            return copy.ToArray();
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public static async Task WriteCommandAsync(MiEmulator emulator, byte[] command, CancellationToken ct)
    {
        using var handle = FifoNative.TryOpenWriter(emulator.FifoPath) ?? throw new IOException("server FIFO has no reader");
        await using var stream = new FileStream(handle, FileAccess.Write, 0);
        await stream.WriteAsync(command, ct);
    }

    public void Dispose()
    {
        if (!_open.IsCompleted)
        {
            // Unblock the pending open by becoming its writer for a moment.
            FifoNative.TryOpenWriter(Path)?.Dispose();
        }

        try
        {
            _open.Wait(TimeSpan.FromSeconds(2));
            _open.Result.Dispose();
        }
        catch (AggregateException)
        {
        }

        File.Delete(Path);
    }
}
