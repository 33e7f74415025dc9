namespace OpenSips.Mi.Testing;

/// <summary>What built-in command handlers share.</summary>
internal sealed record BuiltinContext(CommandRegistry Registry, MiEmulatorState State, TimeProvider Time, MiEmulatorOptions Options)
{
    public void Sync(string name, Func<MiEmulatorRequest, MiEmulatorReply> handler) =>
        Registry.Set(name, null, (r, _) => Task.FromResult(handler(r)), isAsync: false);

    public void Async(string name, Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>> handler) =>
        Registry.Set(name, null, handler, isAsync: true);
}
