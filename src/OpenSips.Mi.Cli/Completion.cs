using System.Text;

namespace OpenSips.Mi.Cli;

/// <summary>Shell completion scripts that complete the tool's options, its subcommands and a server's MI command names.</summary>
internal static class Completion
{
    private const string Subcommands = "commands completion stats top emulator";

    public static string Script(string shell, IEnumerable<string> commandNames)
    {
        // Only names that are safe inside a shell word list (OpenSIPS names are [a-z0-9_:]).
        var names = string.Join(' ', commandNames.Where(IsSafe).Distinct(StringComparer.Ordinal));
        return shell switch
        {
            "bash" => Bash(names),
            "zsh" => Zsh(names),
            "fish" => Fish(names),
            _ => throw new UsageException($"no completion for shell '{shell}': use bash, zsh or fish"),
        };
    }

    private static bool IsSafe(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' or '.' or '-');

    private static string Bash(string names) =>
        $$"""
        # opensips-mi completion for bash: source it, or save it as /etc/bash_completion.d/opensips-mi
        _opensips_mi() {
            local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
            case "$prev" in
                -o|--output) COMPREPLY=( $(compgen -W "json pretty table" -- "$cur") ); return ;;
                --targets|--config) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
                -u|--url|-t|--timeout) return ;;
            esac
            if [[ "$cur" == -* ]]; then
                COMPREPLY=( $(compgen -W "--url --targets --timeout --output --json --config --emulated --help" -- "$cur") )
                return
            fi
            local i words=0
            for (( i=1; i<COMP_CWORD; i++ )); do
                case "${COMP_WORDS[i]}" in -*) continue ;; esac
                case "${COMP_WORDS[i-1]}" in -u|--url|-t|--timeout|-o|--output|--targets|--config) continue ;; esac
                words=$((words+1))
            done
            if (( words == 0 )); then
                COMPREPLY=( $(compgen -W "{{names}} {{Subcommands}}" -- "$cur") )
            fi
        }
        complete -F _opensips_mi opensips-mi

        """;

    private static string Zsh(string names) =>
        $$"""
        #compdef opensips-mi
        # opensips-mi completion for zsh: save it as _opensips-mi in a directory of your $fpath
        _opensips_mi() {
          _arguments -s \
            '*'{-u,--url}'[MI endpoint URI]:uri:' \
            '--targets[file with one URI a line]:file:_files' \
            {-t,--timeout}'[seconds to wait for a reply]:seconds:' \
            {-o,--output}'[output format]:format:(json pretty table)' \
            {-j,--json}'[ARGs are JSON]' \
            '--config[config file]:file:_files' \
            '--emulated[run against an in-process emulator]' \
            '1:command:({{names}} {{Subcommands}})' \
            '*::argument:'
        }
        compdef _opensips_mi opensips-mi

        """;

    private static string Fish(string names)
    {
        var b = new StringBuilder();
        b.Append("# opensips-mi completion for fish: save it as ~/.config/fish/completions/opensips-mi.fish\n");
        b.Append("complete -c opensips-mi -f\n");
        b.Append("complete -c opensips-mi -s u -l url -x -d 'MI endpoint URI'\n");
        b.Append("complete -c opensips-mi -l targets -r -F -d 'file with one URI a line'\n");
        b.Append("complete -c opensips-mi -s t -l timeout -x -d 'seconds to wait for a reply'\n");
        b.Append("complete -c opensips-mi -s o -l output -x -a 'json pretty table' -d 'output format'\n");
        b.Append("complete -c opensips-mi -s j -l json -d 'ARGs are JSON'\n");
        b.Append("complete -c opensips-mi -l config -r -F -d 'config file'\n");
        b.Append("complete -c opensips-mi -l emulated -d 'run against an in-process emulator'\n");
        b.Append("complete -c opensips-mi -n __fish_use_subcommand -a '").Append(names).Append("' -d 'MI command'\n");
        b.Append("complete -c opensips-mi -n __fish_use_subcommand -a '").Append(Subcommands).Append("' -d 'opensips-mi subcommand'\n");
        return b.ToString();
    }
}
