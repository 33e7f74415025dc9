namespace OpenSips.Mi.Testing;

/// <summary>A command the emulator answers.</summary>
internal sealed record CommandEntry(
    string Name,
    string ExportedBy,
    string Help,
    MiCommandRecipes Recipes,
    Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>>? Handler,
    bool IsAsync);

/// <summary>The command table: OpenSIPS's commands in <c>which</c> order, then commands added by tests.</summary>
internal sealed class CommandRegistry
{
    private readonly Lock _gate = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, CommandEntry> _commands = new(StringComparer.Ordinal);

    public CommandRegistry()
    {
        foreach (var c in CommandCatalog.All)
        {
            _order.Add(c.Name);
            _commands[c.Name] = new CommandEntry(c.Name, c.ExportedBy, c.Help, c.Recipes, null, c.AsyncReply);
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
            return _commands.GetValueOrDefault(name);
        }
    }

    /// <summary>Sets the handler; a known command keeps its OpenSIPS recipes unless new ones are given.</summary>
    public void Set(string name, MiCommandRecipes? recipes, Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>> handler, bool isAsync)
    {
        lock (_gate)
        {
            if (_commands.TryGetValue(name, out var existing))
            {
                _commands[name] = existing with { Recipes = recipes ?? existing.Recipes, Handler = handler, IsAsync = isAsync || existing.IsAsync };
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
            _order.Remove(name);
            return _commands.Remove(name);
        }
    }
}
