using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>
/// The core's cachedb commands (<c>cache_store</c>, <c>cache_fetch</c>, <c>cache_remove</c>) with cachedb_local loaded:
/// the <c>local</c> system keeps strings in memory. Replies and errors as OpenSIPS's <c>mi/mi_core.c</c> builds them;
/// a system that is not loaded makes the engine lookup fail, which OpenSIPS reports as a 500.
/// </summary>
internal static class CacheCommands
{
    public static void Register(BuiltinContext ctx)
    {
        var cache = ctx.State.Cache;
        ctx.Sync("cache_store", r =>
        {
            if (Check(r, out var system, out var attr) is { } error)
            {
                return error;
            }

            var value = r.GetString("value", 2);
            if (string.IsNullOrEmpty(value))
            {
                return MiEmulatorReply.InvalidParams("Empty value");
            }

            if (r.HasParam("expire", 3) && r.GetInt("expire", 3) is < 0)
            {
                return MiEmulatorReply.InvalidParams("Negative expire value");
            }

            if (!cache.TryGetValue(system, out var entries))
            {
                return MiEmulatorReply.Error(500, "Cache store command failed");
            }

            entries[attr] = value;
            return MiEmulatorReply.Ok;
        });
        ctx.Sync("cache_fetch", r =>
        {
            if (Check(r, out var system, out var attr) is { } error)
            {
                return error;
            }

            if (!cache.TryGetValue(system, out var entries))
            {
                return MiEmulatorReply.Error(500, "Cache fetch command failed");
            }

            return entries.TryGetValue(attr, out var value) && value.Length > 0
                ? MiEmulatorReply.Result(new JsonObject { ["key"] = attr, ["value"] = value })
                : MiEmulatorReply.Error(400, "Value not found");
        });
        ctx.Sync("cache_remove", r =>
        {
            if (Check(r, out var system, out var attr) is { } error)
            {
                return error;
            }

            if (!cache.TryGetValue(system, out var entries))
            {
                return MiEmulatorReply.Error(500, "Cache remove command failed");
            }

            entries.TryRemove(attr, out _);
            return MiEmulatorReply.Ok;
        });
    }

    private static MiEmulatorReply? Check(MiEmulatorRequest r, out string system, out string attr)
    {
        system = r.GetString("system", 0) ?? string.Empty;
        attr = r.GetString("attr", 1) ?? string.Empty;
        if (system.Length == 0)
        {
            return MiEmulatorReply.InvalidParams("Empty memory cache id");
        }

        return attr.Length == 0 ? MiEmulatorReply.InvalidParams("Empty attribute name") : null;
    }
}

/// <summary>The cachedb systems of the emulated server: <c>local</c> (cachedb_local) is loaded.</summary>
internal sealed class MiCache : ConcurrentDictionary<string, ConcurrentDictionary<string, string>>
{
    public MiCache()
        : base(StringComparer.Ordinal)
    {
        this["local"] = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
    }
}
