using System.CommandLine;

namespace OpenSips.Mi.Cli;

/// <summary>
/// Keeps MI arguments away from the subcommand parser: in <c>opensips-mi help stats</c> the word <c>stats</c> is an ARG of
/// the MI command <c>help</c>, not the <c>stats</c> subcommand. When the first positional word is not a subcommand, the
/// root's options (wherever they are) are moved first and every other word after <c>--</c>.
/// The option and subcommand names are read from the command tree, so a new option or subcommand needs no edit here.
/// </summary>
internal sealed class ArgsNormalizer
{
    private readonly HashSet<string> _valueOptions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flagOptions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _subcommands = new(StringComparer.Ordinal);

    /// <summary>Reads the root's options (name and aliases; an option whose arity needs a value takes the next word) and its subcommands.</summary>
    public ArgsNormalizer(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var option in root.Options)
        {
            var names = _flagOptions;
            if (option.Arity.MinimumNumberOfValues > 0)
            {
                names = _valueOptions;
            }

            names.Add(option.Name);
            names.UnionWith(option.Aliases);
        }

        foreach (var command in root.Subcommands)
        {
            _subcommands.Add(command.Name);
            _subcommands.UnionWith(command.Aliases);
        }
    }

    public string[] Normalize(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0].StartsWith('[') && args[0].EndsWith(']'))
        {
            // A directive such as [suggest:N] (shell completion): the library parses the text that follows itself.
            return args;
        }

        var options = new List<string>();
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                words.AddRange(args[(i + 1)..]);
                break;
            }

            if (_valueOptions.Contains(arg) && i + 1 < args.Length)
            {
                options.Add(arg);
                options.Add(args[++i]);
            }
            else if (_flagOptions.Contains(arg) || IsValueOptionWithEquals(arg))
            {
                options.Add(arg);
            }
            else if (words.Count == 0 && _subcommands.Contains(arg))
            {
                // A subcommand: let the parser see everything as it was typed.
                return args;
            }
            else if (words.Count == 0 && arg.StartsWith('-') && arg.Length > 1)
            {
                // An unknown option before the command stays an option, so the parser reports it.
                options.Add(arg);
            }
            else
            {
                words.Add(arg);
            }
        }

        return words.Count == 0 ? [.. options] : [.. options, "--", .. words];
    }

    private bool IsValueOptionWithEquals(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith('-') && equals > 0 && _valueOptions.Contains(arg[..equals]);
    }
}
