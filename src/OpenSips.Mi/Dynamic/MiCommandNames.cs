using System.Text;

namespace OpenSips.Mi;

/// <summary>Name mapping and parameter shapes the dynamic surface needs.</summary>
internal static class MiCommandNames
{
    /// <summary>
    /// Commands whose only parameter is an array (OpenSIPS 3.x recipes: statistics in the core, config in the config
    /// module). Their values may be given as one array or as separate arguments.
    /// </summary>
    private static readonly HashSet<string> ArrayParamCommands = new(StringComparer.Ordinal)
    {
        "get_statistics",
        "list_statistics",
        "reset_statistics",
        "config_push_bulk",
    };

    /// <summary>True when the command's single parameter is an array.</summary>
    public static bool TakesOneArray(string command) => ArrayParamCommands.Contains(command);

    /// <summary>
    /// Maps a C# member name to an MI command: names without upper-case letters are kept (<c>ul_show_contact</c>),
    /// others become snake_case (<c>UlShowContact</c> → <c>ul_show_contact</c>, <c>TUacDlg</c> → <c>t_uac_dlg</c>).
    /// </summary>
    public static string ToCommandName(string member) => member.Any(char.IsUpper) ? ToSnakeCase(member) : member;

    /// <summary>
    /// Maps a C# named argument to an MI parameter name: camelCase becomes snake_case (<c>tableName</c> → <c>table_name</c>);
    /// names without a lower-to-upper hump are kept as written (<c>level</c>, <c>table_name</c>, <c>DID</c>).
    /// </summary>
    public static string ToParameterName(string name)
    {
        for (var i = 1; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                return ToSnakeCase(name);
            }
        }

        return name;
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previous = i > 0 ? name[i - 1] : '\0';
                var next = i + 1 < name.Length ? name[i + 1] : '\0';
                var boundary = i > 0 && previous != '_' && previous != ':'
                    && (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && char.IsLower(next)));
                if (boundary)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
