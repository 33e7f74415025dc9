namespace OpenSips.Mi.Cli.Hosting;

/// <summary>
/// Everything the tool touches outside its arguments: the output streams, the environment variables, the terminal and
/// the keyboard. The real process builds it from the console; tests build it from string writers and a dictionary.
/// </summary>
internal sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>The environment variables; <see langword="null"/> reads the process environment.</summary>
    public IDictionary<string, string?>? Variables { get; init; }

    /// <summary>True when stdout is a terminal: the default output is then <c>pretty</c> and live views redraw in place.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>True when ANSI colours may be written to stdout.</summary>
    public bool Colors { get; init; }

    /// <summary>Width used to lay out tables and pretty output.</summary>
    public int Width { get; init; } = 120;

    /// <summary>Waits for the next key press; <see langword="null"/> when there is no keyboard (redirected stdin, tests).</summary>
    public Func<CancellationToken, Task<char>>? ReadKeyAsync { get; init; }

    /// <summary>Starts an in-process emulator (for <c>--emulated</c> and <c>emulator</c>).</summary>
    public IEmulatorFactory Emulator { get; init; } = EmulatorFactory.Default;

    /// <summary>The current time (the live views compute rates from it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string? GetVariable(string name)
    {
        if (Variables is null)
        {
            return Environment.GetEnvironmentVariable(name);
        }

        return Variables.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>The home directory; with an injected environment only its <c>HOME</c> counts, so tests never read the user's files.</summary>
    public string? HomeDirectory
    {
        get
        {
            var home = GetVariable("HOME");
            if (!string.IsNullOrEmpty(home) || Variables is not null)
            {
                return string.IsNullOrEmpty(home) ? null : home;
            }

            var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return string.IsNullOrEmpty(profile) ? null : profile;
        }
    }

    /// <summary>The environment of the real process.</summary>
    public static CliEnvironment FromConsole()
    {
        var terminal = !Console.IsOutputRedirected;
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var width = 120;
        if (terminal)
        {
            try
            {
                width = Math.Max(40, Console.WindowWidth);
            }
            catch (IOException)
            {
            }
        }

        return new CliEnvironment
        {
            Out = Console.Out,
            Error = Console.Error,
            OutputIsTerminal = terminal,
            Colors = terminal && !noColor,
            Width = width,
            ReadKeyAsync = Console.IsInputRedirected ? null : ReadConsoleKeyAsync,
        };
    }

    private static async Task<char> ReadConsoleKeyAsync(CancellationToken cancellationToken)
    {
        while (!Console.KeyAvailable)
        {
            await Task.Delay(50, cancellationToken);
        }

        return Console.ReadKey(intercept: true).KeyChar;
    }
}
