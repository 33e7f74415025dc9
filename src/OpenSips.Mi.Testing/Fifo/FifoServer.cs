using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>
/// mi_fifo: reads commands from the server FIFO and writes each reply to <c>reply_dir/reply_name</c> (docs/wire-facts.md#fifo).
/// A blocking reader thread feeds an async processor that runs commands one at a time, in order, like the MI FIFO process.
/// </summary>
internal sealed class FifoServer : IAsyncDisposable
{
    private static readonly byte[] PrintFailure = "failed to print response"u8.ToArray();
    private readonly string _replyDirectory;
    private readonly EmulatorHost _host;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop;
    private readonly List<Stream> _heldReplies = [];
    private FileStream? _stream;
    private Thread? _reader;
    private Task _processor = Task.CompletedTask;
    private int _crashes;

    public FifoServer(string path, string replyDirectory, EmulatorHost host)
    {
        Path = path;
        _replyDirectory = replyDirectory;
        _host = host;
        _logger = host.LoggerFactory.CreateLogger<FifoServer>();
        _stop = CancellationTokenSource.CreateLinkedTokenSource(host.Stopping);
    }

    public string Path { get; }

    public int CrashCount => Volatile.Read(ref _crashes);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FifoNative.Create(Path);
        _stream = new FileStream(FifoNative.OpenReadWrite(Path), FileAccess.Read, bufferSize: 0);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "mi_fifo reader" };
        _reader.Start();
        _processor = Task.Run(ProcessLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private void ReadLoop()
    {
        var buffer = new byte[8192];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var n = _stream!.Read(buffer, 0, buffer.Length);
                if (n <= 0 || _stop.IsCancellationRequested)
                {
                    break;
                }

                _chunks.Writer.TryWrite(buffer.AsSpan(0, n).ToArray());
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Log.LoopFailed(_logger, MiTransport.Fifo, ex);
        }
        finally
        {
            _chunks.Writer.TryComplete();
        }
    }

    private async Task ProcessLoopAsync()
    {
        var splitter = new FifoCommandSplitter();
        try
        {
            await foreach (var chunk in _chunks.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var command in splitter.Push(chunk))
                {
                    if (!await ExecuteAsync(command).ConfigureAwait(false))
                    {
                        // The real MI FIFO process died: nobody reads the FIFO any more.
                        await _stop.CancelAsync().ConfigureAwait(false);
                        WakeReader();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs one command; false when it would have crashed OpenSIPS.</summary>
    private async Task<bool> ExecuteAsync(FifoCommand command)
    {
        var request = _host.NewRequest(MiTransport.Fifo, command.Json ?? command.Raw);
        request.FifoReplyName = command.ReplyName;
        if (command.Json is null)
        {
            // Unparsable JSON: no reply at all (docs/wire-facts.md#fifo-no-reply).
            return true;
        }

        var tree = MiCore.Parse(request, out var parsed);
        if (!parsed)
        {
            return true;
        }

        if (tree is JsonArray || tree is JsonObject obj && !(obj["method"] is JsonValue m && m.GetValueKind() == JsonValueKind.String))
        {
            Interlocked.Increment(ref _crashes);
            Log.FifoCrash(_logger, Encoding.UTF8.GetString(command.Raw));
            return false;
        }

        var result = await _host.Core.DispatchJsonAsync(request, tree, _stop.Token).ConfigureAwait(false);
        var reply = result.Kind switch
        {
            DispatchKind.Reply => JsonRpcWriter.Write(result.Reply!, result.Id),
            DispatchKind.InternalError => PrintFailure,
            _ => null,
        };
        if (reply is null || !IsAllowedName(command.ReplyName))
        {
            return true;
        }

        await WriteReplyAsync(request, reply).ConfigureAwait(false);
        return true;
    }

    private async Task WriteReplyAsync(MiEmulatorRequest request, byte[] reply)
    {
        var plan = _host.Faults.PlanFor(request);
        if (plan.Drop || plan.NeverOpenReply)
        {
            return;
        }

        if (plan.Delay > TimeSpan.Zero)
        {
            await Task.Delay(plan.Delay, _host.Time, _stop.Token).ConfigureAwait(false);
        }

        var path = System.IO.Path.Combine(_replyDirectory, request.FifoReplyName!);
        Microsoft.Win32.SafeHandles.SafeFileHandle? handle = null;
        for (var attempt = 0; attempt < 4 && handle is null; attempt++)
        {
            handle = FifoNative.TryOpenWriter(path);
            if (handle is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(80), _stop.Token).ConfigureAwait(false);
            }
        }

        if (handle is null)
        {
            return;
        }

        var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0);
        var payload = plan.Transform(reply);
        try
        {
            if (plan.HalfReplyThenStop)
            {
                await stream.WriteAsync(payload[..(payload.Length / 2)], _stop.Token).ConfigureAwait(false);
                lock (_heldReplies)
                {
                    _heldReplies.Add(stream);
                }

                return;
            }

            await stream.WriteAsync(payload, _stop.Token).ConfigureAwait(false);
            if (plan.Duplicate)
            {
                await stream.WriteAsync(payload, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (IOException ex)
        {
            Log.SendFailed(_logger, MiTransport.Fifo, ex);
        }

        await stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>mi_fifo refuses reply names with '.', '/' or '\' (docs/wire-facts.md#fifo-names-and-limit); an empty name means "no reply wanted".</summary>
    private static bool IsAllowedName(string name) =>
        name.Length > 0 && name.IndexOfAny(['.', '/', '\\']) < 0;

    /// <summary>A blocked read() is not interrupted by close(): write a byte so the reader thread wakes and sees the stop.</summary>
    private void WakeReader()
    {
        using var writer = FifoNative.TryOpenWriter(Path);
        if (writer is not null)
        {
            using var s = new FileStream(writer, FileAccess.Write, bufferSize: 0);
            s.Write("\n"u8);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        WakeReader();
        _reader?.Join(TimeSpan.FromSeconds(2));
        try
        {
            await _processor.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Shutdown.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        lock (_heldReplies)
        {
            foreach (var s in _heldReplies)
            {
                s.Dispose();
            }

            _heldReplies.Clear();
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        File.Delete(Path);
        _stop.Dispose();
    }
}
