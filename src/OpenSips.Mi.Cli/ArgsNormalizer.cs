namespace OpenSips.Mi.Cli;

/// <summary>
/// Keeps MI arguments away from the subcommand parser: in <c>opensips-mi help stats</c> the word <c>stats</c> is an ARG of
/// the MI command <c>help</c>, not the <c>stats</c> subcommand. When the first positional word is not a subcommand, the
/// global options (wherever they are) are moved first and every other word after <c>--</c>.
/// </summary>
internal static class ArgsNormalizer
{
    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal)
    {
        "--url", "-u", "--targets", "--timeout", "-t", "--output", "-o", "--config", "--transport",
    };

    private static readonly HashSet<string> FlagOptions = new(StringComparer.Ordinal)
    {
        "--json", "-j", "--emulated", "--help", "-h", "-?", "--version",
    };

    public static string[] Normalize(string[] args, IReadOnlySet<string> subcommands)
    {
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

            if (ValueOptions.Contains(arg) && i + 1 < args.Length)
            {
                options.Add(arg);
                options.Add(args[++i]);
            }
            else if (FlagOptions.Contains(arg) || (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal) && ValueOptions.Contains(arg[..arg.IndexOf('=', StringComparison.Ordinal)])))
            {
                options.Add(arg);
            }
            else if (words.Count == 0 && subcommands.Contains(arg))
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
}
