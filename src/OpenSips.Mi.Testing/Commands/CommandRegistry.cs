namespace OpenSips.Mi.Testing;

/// <summary>A command the emulator answers.</summary>
internal sealed record CommandEntry(
    string Name,
    string ExportedBy,
    string Help,
    MiCommandRecipes Recipes,
    Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>>? Handler,
    bool IsAsync);

/// <summary>
/// The command table: OpenSIPS's commands in <c>which</c> order, then commands added by tests. With the 4.0 dialect,
/// names are looked up as OpenSIPS 4.0's <c>lookup_mi_cmd</c> does: the full <c>module:command</c> name; a bare name
/// by its local part when one command has it (several: ambiguous), else by alias (the 3.x name).
/// </summary>
internal sealed class CommandRegistry
{
    private readonly Lock _gate = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, CommandEntry> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _aliases = new(StringComparer.Ordinal);

    public CommandRegistry(MiEmulatorDialect dialect = MiEmulatorDialect.OpenSips36)
    {
        foreach (var c in CommandCatalog.For(dialect))
        {
            _order.Add(c.Name);
            _commands[c.Name] = new CommandEntry(c.Name, c.ExportedBy, c.Help, c.Recipes, null, c.AsyncReply);
            foreach (var alias in c.Aliases)
            {
                if (!_aliases.TryGetValue(alias, out var targets))
                {
                    _aliases[alias] = targets = [];
                }

                targets.Add(c.Name);
            }
        }
    }

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                return _order.ToArray();
            }
        }
    }

    public CommandEntry? Find(string name)
    {
        lock (_gate)
        {
            return Resolve(name) is { } canonical ? _commands[canonical] : null;
        }
    }

    /// <summary>
    /// For a name no command answers to: the commands it could mean when there are two or more (4.0 answers
    /// -32001 "Method ambiguous" with them), else null.
    /// </summary>
    public IReadOnlyList<string>? Ambiguous(string name)
    {
        lock (_gate)
        {
            var matches = new List<string>();
            if (!name.Contains(':', StringComparison.Ordinal))
            {
                matches.AddRange(_order.Where(n => LocalPart(n) == name && n != name));
            }

            if (_aliases.TryGetValue(name, out var targets))
            {
                matches.AddRange(targets.Where(t => !matches.Contains(t)));
            }

            return matches.Count >= 2 ? matches : null;
        }
    }

    /// <summary>Sets the handler; a known command keeps its OpenSIPS recipes unless new ones are given.</summary>
    public void Set(string name, MiCommandRecipes? recipes, Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>> handler, bool isAsync)
    {
        lock (_gate)
        {
            if (Resolve(name) is { } canonical)
            {
                var existing = _commands[canonical];
                _commands[canonical] = existing with { Recipes = recipes ?? existing.Recipes, Handler = handler, IsAsync = isAsync || existing.IsAsync };
                return;
            }

            _order.Add(name);
            _commands[name] = new CommandEntry(name, "emulator", "not available for this command", recipes ?? MiCommandRecipes.Unchecked, handler, isAsync);
        }
    }

    /// <summary>Adds a command of a module the captured command table does not have (listed after the others, like a module loaded last).</summary>
    public void AddModuleCommand(string name, string exportedBy, MiCommandRecipes recipes, Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>> handler)
    {
        lock (_gate)
        {
            if (!_commands.ContainsKey(name))
            {
                _order.Add(name);
            }

            _commands[name] = new CommandEntry(name, exportedBy, "not available for this command", recipes, handler, false);
        }
    }

    public bool Remove(string name)
    {
        lock (_gate)
        {
            if (Resolve(name) is not { } canonical)
            {
                return false;
            }

            _order.Remove(canonical);
            foreach (var targets in _aliases.Values)
            {
                targets.Remove(canonical);
            }

            return _commands.Remove(canonical);
        }
    }

    private static string LocalPart(string name) => name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..];

    private string? Resolve(string name)
    {
        if (_commands.ContainsKey(name))
        {
            return name;
        }

        if (name.Contains(':', StringComparison.Ordinal))
        {
            return Alias(name);
        }

        // A bare name: the one command whose local part it is; several make it ambiguous (no alias lookup then).
        var local = _order.Where(n => n.Contains(':', StringComparison.Ordinal) && LocalPart(n) == name).Take(2).ToList();
        return local.Count switch
        {
            1 => local[0],
            0 => Alias(name),
            _ => null,
        };
    }

    private string? Alias(string name) =>
        _aliases.TryGetValue(name, out var targets) && targets.Distinct(StringComparer.Ordinal).Count() == 1 ? targets[0] : null;
}
