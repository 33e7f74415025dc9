namespace OpenSips.Mi.Testing;

/// <summary>
/// The tracer module's MI commands (3.6.8 <c>mi_cmds</c>): <c>trace</c> (named parameters only: none, <c>id</c>,
/// <c>mode</c>, or both), <c>trace_start</c> (<c>id</c>, <c>uri</c> [, <c>filter</c> [, <c>scope</c>, <c>type</c>]]) and
/// <c>trace_stop</c> (<c>id</c>). The captured command table comes from a server without tracer, so they are added after it.
/// </summary>
internal static class TracerCommands
{
    public static void Register(BuiltinContext ctx, EmulatedTracer tracer)
    {
        var filter = new Dictionary<string, MiParamType> { ["filter"] = MiParamType.Any };
        ctx.Registry.AddModuleCommand("trace", "tracer", new MiCommandRecipes([[], ["id"], ["mode"], ["id", "mode"]], namedParamsOnly: true), Sync(tracer.Dump));
        ctx.Registry.AddModuleCommand("trace_start", "tracer", new MiCommandRecipes([["id", "uri"], ["id", "uri", "filter"], ["id", "uri", "filter", "scope", "type"]], types: filter), Sync(tracer.Start));
        ctx.Registry.AddModuleCommand("trace_stop", "tracer", MiCommandRecipes.Of(["id"]), Sync(tracer.Stop));
    }

    private static Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>> Sync(Func<MiEmulatorRequest, MiEmulatorReply> handler) =>
        (r, _) => Task.FromResult(handler(r));
}
