using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Cli;

/// <summary>
/// Shell completion. The scripts hold no list of subcommands or options: on each Tab they call the tool back with
/// System.CommandLine's <c>[suggest:POSITION]</c> directive and the line typed so far, and the tool answers from its own
/// command tree (subcommands, options, their accepted values, files), so a new subcommand or option is completed without
/// any edit. At the MI command position it offers MI command names: those of the server the script was generated
/// against (its <c>which</c>, written into the script), else the commands an OpenSIPS 3.6.8 lists.
/// </summary>
internal static class Completion
{
    /// <summary>The variable through which a script passes the server's command names back to the tool.</summary>
    public const string CommandsVariable = "OPENSIPS_MI_COMPLETE_COMMANDS";

    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh", "fish"];

    /// <summary>
    /// For <c>[suggest:N] "LINE"</c>: the shell passes the program as typed (<c>./opensips-mi</c>, a full path, an alias);
    /// the parser expects the root command's name there, so the first word is replaced and the cursor moved with it.
    /// </summary>
    public static string[] AsTypedBy(string[] args, string rootName)
    {
        if (args is not [var directive, var line] || !directive.StartsWith("[suggest:", StringComparison.Ordinal) || !directive.EndsWith(']'))
        {
            return args;
        }

        var end = line.IndexOf(' ', StringComparison.Ordinal);
        end = end < 0 ? line.Length : end;
        if (!int.TryParse(directive.AsSpan(9, directive.Length - 10), System.Globalization.CultureInfo.InvariantCulture, out var position))
        {
            return args;
        }

        var shift = rootName.Length - end;
        return [$"[suggest:{Math.Max(0, position + shift)}]", rootName + line[end..]];
    }

    /// <summary>The names completed at the MI command position.</summary>
    public static IEnumerable<string> MiCommandNames(CliEnvironment env) =>
        env.GetVariable(CommandsVariable) is { Length: > 0 } names
            ? names.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : CatalogueNames.Value;

    private static readonly Lazy<IReadOnlyList<string>> CatalogueNames = new(LoadCatalogue);

    /// <summary>The command list of OpenSIPS 3.6.8 that the emulator carries (its <c>which</c>).</summary>
    private static IReadOnlyList<string> LoadCatalogue()
    {
        using var stream = typeof(MiEmulator).Assembly.GetManifestResourceStream("OpenSips.Mi.Testing.mi-commands.json");
        if (stream is null)
        {
            return [];
        }

        using var doc = JsonDocument.Parse(stream);
        return [.. doc.RootElement.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>The script for <paramref name="shell"/>; <paramref name="serverNames"/> (the server's <c>which</c>) replace the built-in list when given.</summary>
    public static string Script(string shell, IEnumerable<string>? serverNames)
    {
        // Only names that are safe inside a single-quoted shell word (OpenSIPS names are [a-z0-9_:]).
        var names = serverNames is null ? string.Empty : string.Join(' ', serverNames.Where(IsSafe).Distinct(StringComparer.Ordinal));
        var prefix = names.Length == 0 ? string.Empty : $"{CommandsVariable}='{names}' ";
        return shell switch
        {
            "bash" => Bash(prefix),
            "zsh" => Zsh(prefix),
            "fish" => Fish(prefix),
            _ => throw new UsageException($"no completion for shell '{shell}': use bash, zsh or fish"),
        };
    }

    private static bool IsSafe(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' or '.' or '-');

    private static string Bash(string prefix) =>
        $$"""
        # opensips-mi completion for bash: source it, or save it as /etc/bash_completion.d/opensips-mi
        # Each Tab asks the tool itself (its [suggest] directive) what may come next.
        _opensips_mi() {
            local IFS=$'\n'
            COMPREPLY=( $({{prefix}}"${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
        }
        complete -o default -F _opensips_mi opensips-mi

        """;

    private static string Zsh(string prefix) =>
        $$"""
        #compdef opensips-mi
        # opensips-mi completion for zsh: save it as _opensips-mi in a directory of your $fpath, or source it after compinit
        # Each Tab asks the tool itself (its [suggest] directive) what may come next.
        _opensips_mi() {
          local -a candidates
          candidates=( ${(f)"$({{prefix}}"${words[1]}" "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)"} )
          compadd -Q -a candidates
        }
        compdef _opensips_mi opensips-mi

        """;

    private static string Fish(string prefix) =>
        $$"""
        # opensips-mi completion for fish: save it as ~/.config/fish/completions/opensips-mi.fish
        # Each Tab asks the tool itself (its [suggest] directive) what may come next.
        function __opensips_mi_complete
            set -l line (commandline -cp)
            set -l tool (commandline -opc)[1]
            env {{prefix}}$tool "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c opensips-mi -f -a '(__opensips_mi_complete)'

        """;
}
