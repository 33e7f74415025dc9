using System.Text;

namespace OpenSips.Mi.ServerFixture;

/// <summary>What an OpenSIPS instance wrote on stdout and stderr, kept in memory for a failing test's output.</summary>
public sealed class ServerLog
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();

    /// <summary>How many characters have been written so far: a mark for <see cref="Since(int)"/>.</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _text.Length;
            }
        }
    }

    /// <summary>Everything written so far.</summary>
    public string Text => Since(0);

    /// <summary>What was written after a mark taken with <see cref="Length"/>.</summary>
    /// <param name="mark">A value <see cref="Length"/> had earlier.</param>
    /// <returns>The text written since.</returns>
    public string Since(int mark)
    {
        lock (_lock)
        {
            var start = Math.Clamp(mark, 0, _text.Length);
            return _text.ToString(start, _text.Length - start);
        }
    }

    /// <summary>The last lines, for error messages.</summary>
    /// <param name="lines">How many.</param>
    /// <returns>The lines joined with newlines.</returns>
    public string Tail(int lines = 30) => string.Join('\n', Text.Split('\n').TakeLast(lines));

    internal void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _text.Append(line).Append('\n');
        }
    }
}
