using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Tests.Fifo;

/// <summary>One command as mi_fifo received it: <c>:reply_name:json</c>.</summary>
internal sealed record FifoCommand(string ReplyName, string Json, string Method, int Id);

/// <summary>
/// A stand-in for OpenSIPS's mi_fifo, in a temp folder: a server FIFO read line by line and replies written to
/// <c>replies/&lt;reply_name&gt;</c> the way OpenSIPS does it (non-blocking open, a few retries, write, close).
/// </summary>
internal sealed class FakeFifoServer : IDisposable
{
    private readonly FileStream _fifo;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<FifoCommand> _commands = new();
    private readonly Func<FifoCommand, byte[]?> _handler;
    private int _stopped;

    public FakeFifoServer(Func<FifoCommand, byte[]?> handler)
    {
        _handler = handler;
        Root = Path.Combine(Path.GetTempPath(), "osmi-test-" + Guid.NewGuid().ToString("N")[..12]);
        ReplyDirectory = Path.Combine(Root, "replies");
        FifoPath = Path.Combine(Root, "opensips_fifo");
        Directory.CreateDirectory(ReplyDirectory);
        Assert.Equal(0, Interop.CreateFifo(FifoPath, UnixFileMode.UserRead | UnixFileMode.UserWrite));

        // Read-write, like OpenSIPS keeping a writer of its own: the read never sees EOF between clients.
        _fifo = new FileStream(File.OpenHandle(FifoPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite), FileAccess.ReadWrite, bufferSize: 0);
        _thread = new Thread(ReadCommands) { IsBackground = true, Name = "fake mi_fifo" };
        _thread.Start();
    }

    public string Root { get; }

    public string FifoPath { get; }

    public string ReplyDirectory { get; }

    public IReadOnlyCollection<FifoCommand> Commands => _commands;

    public FifoOptions Options(TimeSpan timeout) => new(FifoPath) { ReplyDirectory = ReplyDirectory, Timeout = timeout };

    /// <summary>A captured reply with its id replaced by the request's.</summary>
    public static byte[] CapturedReply(string capture, FifoCommand command)
    {
        var text = WireCaptures.ReadText($"fifo/{capture}.response");
        var idAt = text.LastIndexOf(",\"id\":", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, idAt), $",\"id\":{command.Id}}}"));
    }

    private void ReadCommands()
    {
        var pending = new List<byte>();
        var buffer = new byte[8192];
        try
        {
            while (Volatile.Read(ref _stopped) == 0)
            {
                var read = _fifo.Read(buffer);
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        pending.Add(buffer[i]);
                        continue;
                    }

                    var line = Encoding.UTF8.GetString([.. pending]);
                    pending.Clear();
                    if (line == "STOP")
                    {
                        return;
                    }

                    var command = Parse(line);
                    _commands.Enqueue(command);
                    _ = Task.Run(() => Answer(command));
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static FifoCommand Parse(string line)
    {
        Assert.StartsWith(":", line, StringComparison.Ordinal);
        var end = line.IndexOf(':', 1);
        var json = line[(end + 1)..];
        using var document = JsonDocument.Parse(json);
        return new FifoCommand(line[1..end], json, document.RootElement.GetProperty("method").GetString()!, document.RootElement.GetProperty("id").GetInt32());
    }

    private async Task Answer(FifoCommand command)
    {
        var reply = _handler(command);
        if (reply is null)
        {
            return;
        }

        var path = Path.Combine(ReplyDirectory, command.ReplyName);

        // OpenSIPS opens the reply FIFO non-blocking and retries a few times while nobody reads it (docs/wire-facts.md#fifo-framing).
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var probe = FifoNative.OpenForWriting(path, out _);
            if (probe is not null)
            {
                try
                {
                    await using var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);

                    // Several writes, like OpenSIPS streaming a big reply.
                    for (var offset = 0; offset < reply.Length; offset += 16 * 1024)
                    {
                        await writer.WriteAsync(reply.AsMemory(offset, Math.Min(16 * 1024, reply.Length - offset)));
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }

                return;
            }

            await Task.Delay(80);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _fifo.Write("STOP\n"u8);
            _thread.Join(TimeSpan.FromSeconds(5));
            _fifo.Dispose();
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
