using System.Text;
using System.Text.RegularExpressions;
using OpenSips.Mi.Cli;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Docs.Tests.Checks;

/// <summary>One <c>$ opensips-mi …</c> line of a console block, the output shown under it, and the exit code (<c>[exit N]</c>, else 0).</summary>
internal sealed record ConsoleCommand(string Line, IReadOnlyList<string> Args, IReadOnlyList<string> Expected, int ExitCode);

/// <summary>
/// Runs the <c>console</c> blocks of the docs against the emulator, in-process. Each block gets a fresh emulator; the
/// commands of a block share it (so an <c>ul_add</c> is seen by a later <c>ul_show_contact</c>). Every URI in a command
/// is replaced by an emulator endpoint of the same transport (one emulator per distinct URI), the default target
/// (<c>http://127.0.0.1:8888/mi</c>) is the first emulator's mi_http, and the endpoints are written back as the docs'
/// URIs in the output. t_uac_dlg is answered <c>200 OK</c> by the far end.
/// </summary>
internal static partial class ConsoleExamples
{
    private const string ToolPrefix = "opensips-mi ";
    private const string DotnetRunPrefix = "dotnet run --project src/OpenSips.Mi.Cli -- ";
    public const string DefaultUrl = "http://127.0.0.1:8888/mi";

    public static IReadOnlyList<ConsoleCommand> Parse(FencedBlock block)
    {
        var commands = new List<ConsoleCommand>();
        string? line = null;
        var expected = new List<string>();
        void Flush()
        {
            if (line is null)
            {
                return;
            }

            var exit = 0;
            if (expected.Count > 0 && ExitLine().Match(expected[^1]) is { Success: true } m)
            {
                exit = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                expected.RemoveAt(expected.Count - 1);
            }

            commands.Add(new ConsoleCommand(line, ToolArgs(line, block), [.. expected], exit));
            expected.Clear();
        }

        foreach (var text in block.Lines)
        {
            if (text.StartsWith("$ ", StringComparison.Ordinal))
            {
                Flush();
                line = text[2..];
            }
            else if (line is null)
            {
                throw new InvalidOperationException($"{block}: a console block starts with a '$ ' command line");
            }
            else
            {
                expected.Add(text);
            }
        }

        Flush();
        return commands;
    }

    private static string[] ToolArgs(string line, FencedBlock block)
    {
        var words = Shell.Split(line);
        var joined = string.Join(' ', words) + " ";
        if (joined.StartsWith(DotnetRunPrefix, StringComparison.Ordinal))
        {
            return [.. words.Skip(DotnetRunPrefix.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length)];
        }

        if (joined.StartsWith(ToolPrefix, StringComparison.Ordinal))
        {
            return [.. words.Skip(1)];
        }

        throw new InvalidOperationException($"{block}: '{line}' is not an opensips-mi command; show other commands in an sh block");
    }

    /// <summary>
    /// Runs the block's commands; returns a description of every difference (empty when the docs are right) and the block's
    /// lines as the tool printed them (to rewrite a failing block with OPENSIPS_MI_UPDATE_DOCS=1).
    /// </summary>
    public static async Task<(IReadOnlyList<string> Failures, IReadOnlyList<string> Actual)> RunAsync(FencedBlock block, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var rewritten = new List<string>();
        await using var endpoints = new Endpoints();
        using var home = new TempFolder();
        foreach (var command in Parse(block))
        {
            var args = new List<string>();
            foreach (var arg in command.Args)
            {
                args.Add(await endpoints.MapAsync(arg, cancellationToken));
            }

            var defaultTarget = await endpoints.MapAsync(DefaultUrl, cancellationToken);
            var output = new StringWriter();
            var synchronized = TextWriter.Synchronized(output);
            var env = new CliEnvironment
            {
                Out = synchronized,
                Error = synchronized,
                Variables = new Dictionary<string, string?> { ["OPENSIPS_MI_URL"] = defaultTarget, ["HOME"] = home.Path },
                OutputIsTerminal = true,
                Colors = false,
                Width = 100,
                Emulator = EmulatorFactory.Default,
            };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var exit = await Cli.Cli.RunAsync([.. args], env, timeout.Token);
            var actual = endpoints.Unmap(output.ToString());
            rewritten.Add("$ " + command.Line);
            rewritten.AddRange(actual.TrimEnd('\n').Split('\n').Where(l => l.Length > 0 || actual.Trim().Length > 0).Select(l => l.TrimEnd()));
            if (exit != 0)
            {
                rewritten.Add($"[exit {exit}]");
            }

            var expectedText = Normalize(command.Expected);
            var actualText = Normalize(actual.Split('\n'));
            if (exit != command.ExitCode || !Matches(expectedText, actualText))
            {
                failures.Add(
                    $"{block}: $ {command.Line}\n--- the docs show (exit {command.ExitCode}):\n{string.Join('\n', command.Expected)}\n" +
                    $"--- the tool printed (exit {exit}):\n{actual.TrimEnd('\n')}" + (exit == 0 ? string.Empty : $"\n[exit {exit}]"));
            }
        }

        return (failures, rewritten);
    }

    /// <summary>Line by line; <c>…</c> in an expected line matches any text, and a line that is only <c>…</c> any number of lines.</summary>
    private static bool Matches(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var pattern = new StringBuilder("^");
        foreach (var line in expected)
        {
            pattern.Append(line == "…"
                ? @"(?:[^\n]*\n)*?"
                : string.Join(".*", line.Split('…').Select(Regex.Escape)) + @"\n");
        }

        pattern.Append('$');
        return Regex.IsMatch(string.Join(string.Empty, actual.Select(l => l + "\n")), pattern.ToString(), RegexOptions.None, TimeSpan.FromSeconds(5));
    }

    /// <summary>Volatile values (clock times, uptimes, timestamps) and layout (runs of spaces and of table rules) are made comparable.</summary>
    private static List<string> Normalize(IEnumerable<string> lines)
    {
        var list = lines.Select(l =>
        {
            l = CTime().Replace(l, "<time>");
            l = Seconds().Replace(l, "<n> [sec]");
            l = IsoTime().Replace(l, "<timestamp>");
            l = Spaces().Replace(l, " ");
            l = Rules().Replace(l, m => m.Value[..1]);
            return l.TrimEnd();
        }).ToList();
        while (list.Count > 0 && list[^1].Length == 0)
        {
            list.RemoveAt(list.Count - 1);
        }

        return list;
    }

    [GeneratedRegex(@"^\[exit (\d+)\]$")]
    private static partial Regex ExitLine();

    [GeneratedRegex(@"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4}")]
    private static partial Regex CTime();

    [GeneratedRegex(@"\d+ \[sec\]")]
    private static partial Regex Seconds();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@" {2,}")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"([─━═-])\1+")]
    private static partial Regex Rules();

    /// <summary>Emulators standing in for the servers a block names, and the mapping back.</summary>
    private sealed class Endpoints : IAsyncDisposable
    {
        private readonly Dictionary<string, string> _byDocUri = new(StringComparer.Ordinal);
        private readonly List<(string Real, string Doc)> _back = [];
        private readonly Dictionary<string, MiEmulator> _byHost = new(StringComparer.Ordinal);

        /// <summary>Replaces a URI in <paramref name="arg"/> by an endpoint of the emulator standing for its host (one per host).</summary>
        public async Task<string> MapAsync(string arg, CancellationToken ct)
        {
            var m = Uri().Match(arg);
            if (!m.Success)
            {
                return arg;
            }

            var doc = m.Value;
            if (!_byDocUri.TryGetValue(doc, out var real))
            {
                var host = HostOf(doc);
                if (!_byHost.TryGetValue(host, out var emulator))
                {
                    emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { FifoReplyDirectory = Path.GetTempPath() }, ct);
                    emulator.UacResponder = (request, _) => Task.FromResult(MiUac.Final("200 OK", MiUac.ReplyMessage(request)));
                    _byHost[host] = emulator;
                }

                real = doc switch
                {
                    _ when doc.StartsWith("udp://", StringComparison.Ordinal) => emulator.UdpUri,
                    _ when doc.StartsWith("unix://", StringComparison.Ordinal) => emulator.UnixUri,
                    _ when doc.StartsWith("xmlrpc+", StringComparison.Ordinal) => emulator.XmlRpcUriString,
                    _ when doc.StartsWith("fifo://", StringComparison.Ordinal) => emulator.FifoUri,
                    _ => emulator.HttpUriString,
                };
                _byDocUri[doc] = real;
                _back.Add((real, doc));
            }

            return arg.Replace(doc, real, StringComparison.Ordinal);
        }

        public string Unmap(string output)
        {
            foreach (var (real, doc) in _back.OrderByDescending(b => b.Real.Length))
            {
                output = output.Replace(real, doc, StringComparison.Ordinal);
            }

            return output;
        }

        /// <summary>The host of a network URI; unix sockets and FIFOs are local, like 127.0.0.1.</summary>
        private static string HostOf(string uri)
        {
            var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var host = rest.Split('/', ':')[0];
            return host.Length == 0 ? "127.0.0.1" : host;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var emulator in _byHost.Values)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    [GeneratedRegex(@"(udp|unix|fifo|https?|xmlrpc\+https?)://[^\s""']*")]
    private static partial Regex Uri();

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("opensips-mi-docs-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

/// <summary>POSIX-shell word splitting for the docs' command lines: quotes, backslashes, comments; no pipes or substitutions.</summary>
internal static class Shell
{
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case '\'':
                    var end = line.IndexOf('\'', i + 1);
                    word.Append(line, i + 1, end - i - 1);
                    i = end;
                    inWord = true;
                    break;
                case '"':
                    for (i++; line[i] != '"'; i++)
                    {
                        word.Append(line[i] == '\\' && "\"\\$`".Contains(line[i + 1], StringComparison.Ordinal) ? line[++i] : line[i]);
                    }

                    inWord = true;
                    break;
                case '\\':
                    word.Append(line[++i]);
                    inWord = true;
                    break;
                case ' ' or '\t':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '#' when !inWord:
                    i = line.Length;
                    break;
                case '|' or ';' or '>' or '<' or '&' or '`' or '$' when !inWord || c != '$':
                    throw new InvalidOperationException($"'{line}': pipes, redirections and substitutions are not run; show this command in an sh block with a not-run marker");
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
