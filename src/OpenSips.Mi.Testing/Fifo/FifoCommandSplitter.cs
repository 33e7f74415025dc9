using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Testing;

/// <summary>One <c>:reply_name:json</c> command cut from the FIFO stream; <see cref="Json"/> null = unparsable.</summary>
internal sealed record FifoCommand(string ReplyName, byte[]? Json, byte[] Raw);

/// <summary>
/// Cuts the mi_fifo byte stream into commands (docs/wire-facts.md#fifo): <c>:name:</c>, then one JSON value (possibly multi-line),
/// then an optional CRLF/LF; a command over 4096 bytes is dropped up to the next newline.
/// </summary>
internal sealed class FifoCommandSplitter
{
    public const int MaxCommandBytes = 4096;
    private readonly List<byte> _buffer = [];
    private bool _discarding;

    public IEnumerable<FifoCommand> Push(ReadOnlySpan<byte> data)
    {
        _buffer.AddRange(data);
        var commands = new List<FifoCommand>();
        while (TryNext(out var command))
        {
            if (command is not null)
            {
                commands.Add(command);
            }
        }

        return commands;
    }

    private bool TryNext(out FifoCommand? command)
    {
        command = null;
        if (_discarding)
        {
            var nl = _buffer.IndexOf((byte)'\n');
            if (nl < 0)
            {
                _buffer.Clear();
                return false;
            }

            _buffer.RemoveRange(0, nl + 1);
            _discarding = false;
        }

        while (_buffer.Count > 0 && _buffer[0] is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t')
        {
            _buffer.RemoveAt(0);
        }

        if (_buffer.Count == 0)
        {
            return false;
        }

        var span = _buffer.ToArray().AsSpan();
        if (span[0] != ':')
        {
            return Discard();
        }

        var second = span[1..].IndexOf((byte)':');
        if (second < 0)
        {
            return span.Length > MaxCommandBytes && Discard();
        }

        var nameEnd = second + 1;
        var name = Encoding.UTF8.GetString(span[1..nameEnd]);
        var jsonStart = nameEnd + 1;
        int jsonEnd;
        try
        {
            var reader = new Utf8JsonReader(span[jsonStart..], isFinalBlock: false, state: default);
            var complete = reader.Read() && (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || reader.TrySkip());
            if (!complete || reader.TokenType is JsonTokenType.Number && jsonStart + reader.BytesConsumed == span.Length)
            {
                // Incomplete: wait for more, unless the command is already too big or a new command has started.
                if (span.Length >= MaxCommandBytes)
                {
                    return Discard();
                }

                var nextCommand = span[jsonStart..].IndexOf("\n:"u8);
                if (nextCommand < 0)
                {
                    return false;
                }

                command = new FifoCommand(name, null, span[..(jsonStart + nextCommand)].ToArray());
                _buffer.RemoveRange(0, jsonStart + nextCommand + 1);
                return true;
            }

            jsonEnd = jsonStart + (int)reader.BytesConsumed;
        }
        catch (JsonException)
        {
            var nl = span[jsonStart..].IndexOf((byte)'\n');
            command = new FifoCommand(name, null, span.ToArray());
            if (nl < 0)
            {
                _buffer.Clear();
                return true;
            }

            _buffer.RemoveRange(0, jsonStart + nl + 1);
            return true;
        }

        var end = jsonEnd;
        if (end < span.Length && span[end] == '\r')
        {
            end++;
        }

        if (end < span.Length && span[end] == '\n')
        {
            end++;
        }

        _buffer.RemoveRange(0, end);
        if (end > MaxCommandBytes)
        {
            return true;
        }

        command = new FifoCommand(name, span[jsonStart..jsonEnd].ToArray(), span[..end].ToArray());
        return true;
    }

    private bool Discard()
    {
        _discarding = true;
        return true;
    }
}
