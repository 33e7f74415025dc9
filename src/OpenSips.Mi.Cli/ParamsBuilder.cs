using System.Text.Json;

namespace OpenSips.Mi.Cli;

/// <summary>
/// Turns the ARGs after the MI command into <see cref="MiParams"/>: <c>name=value</c> is named, a bare ARG positional,
/// values are JSON strings (OpenSIPS converts numeric strings for int parameters); with <c>--json</c> each ARG (or the
/// value after <c>name=</c>) is JSON, and a single JSON object or array ARG is the whole params. For the commands whose
/// parameter is an array of names (<c>get_statistics</c>, <c>list_statistics</c>, <c>reset_statistics</c>) the values are
/// packed into that one array: <c>get_statistics dialog: tm:</c> sends <c>[["dialog:","tm:"]]</c>.
/// </summary>
internal static class ParamsBuilder
{
    /// <summary>The commands (OpenSIPS 3.6) whose only parameter, <c>statistics</c>, is an array.</summary>
    private static readonly Dictionary<string, string> ArrayParameters = new(StringComparer.Ordinal)
    {
        ["get_statistics"] = "statistics",
        ["list_statistics"] = "statistics",
        ["reset_statistics"] = "statistics",
    };

    public static bool TakesArray(string command, out string parameter) =>
        ArrayParameters.TryGetValue(StripNamespace(command), out parameter!);

    public static MiParams Build(string command, IReadOnlyList<string> args, bool json)
    {
        if (args.Count == 0)
        {
            return MiParams.None;
        }

        var hasArray = TakesArray(command, out var arrayName);

        if (json && args.Count == 1 && !IsNamed(args[0], out _, out _))
        {
            var whole = ParseJson(args[0], 1);
            if (whole.Kind == MiValueKind.Object)
            {
                return MiParams.FromNamed(whole.AsObject);
            }

            if (whole.Kind == MiValueKind.Array)
            {
                return MiParams.FromPositional(whole.AsArray);
            }
        }

        var named = new List<KeyValuePair<string, MiValue>>();
        var positional = new List<MiValue>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (IsNamed(arg, out var name, out var text))
            {
                var value = json ? ParseJson(text, i + 1) : MiValue.FromString(text);
                var existing = named.FindIndex(m => m.Key == name);
                if (hasArray && name == arrayName)
                {
                    // statistics=dialog: statistics=tm: → {"statistics":["dialog:","tm:"]}
                    var items = existing >= 0 ? [.. named[existing].Value.AsArray] : new List<MiValue>();
                    if (value.Kind == MiValueKind.Array)
                    {
                        items.AddRange(value.AsArray);
                    }
                    else
                    {
                        items.Add(value);
                    }

                    var packed = new KeyValuePair<string, MiValue>(name, MiValue.Array(items));
                    if (existing >= 0)
                    {
                        named[existing] = packed;
                    }
                    else
                    {
                        named.Add(packed);
                    }

                    continue;
                }

                if (existing >= 0)
                {
                    throw new UsageException($"the parameter '{name}' is given twice: give each name once");
                }

                named.Add(new(name, value));
            }
            else
            {
                positional.Add(json ? ParseJson(arg, i + 1) : MiValue.FromString(arg));
            }
        }

        if (named.Count > 0 && positional.Count > 0)
        {
            var bare = args.First(a => !IsNamed(a, out _, out _));
            throw new UsageException(
                $"'{command}' got both named (name=value) and positional arguments (such as '{bare}'); OpenSIPS takes one or the other. " +
                "To send a positional value that contains '=', use --json and quote it: '\"a=b\"'");
        }

        if (named.Count > 0)
        {
            return MiParams.FromNamed(named);
        }

        if (hasArray && !(positional.Count == 1 && positional[0].Kind == MiValueKind.Array))
        {
            return MiParams.Positional(MiValue.Array(positional));
        }

        return MiParams.FromPositional(positional);
    }

    /// <summary><c>name=value</c> where name is a parameter name (letters, digits, <c>_</c>, <c>-</c>, <c>.</c>, not starting with a digit).</summary>
    public static bool IsNamed(string arg, out string name, out string value)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        name = value = string.Empty;
        if (eq <= 0)
        {
            return false;
        }

        for (var i = 0; i < eq; i++)
        {
            var c = arg[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || (i > 0 && (char.IsAsciiDigit(c) || c == '-' || c == '.'));
            if (!ok)
            {
                return false;
            }
        }

        name = arg[..eq];
        value = arg[(eq + 1)..];
        return true;
    }

    private static MiValue ParseJson(string text, int position)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return MiValue.FromJson(document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new UsageException($"with --json, argument {position} ('{text}') must be JSON, e.g. '\"text\"', 3, true, [\"a\"] or {{\"k\":1}}: {ex.Message}");
        }
    }

    private static string StripNamespace(string command)
    {
        // OpenSIPS 4 names commands module:command; the statistics module's commands keep their shapes.
        var colon = command.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? command[(colon + 1)..] : command;
    }
}
