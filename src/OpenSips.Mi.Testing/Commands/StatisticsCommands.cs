using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>The statistics module's commands.</summary>
internal static class StatisticsCommands
{
    public static void Register(BuiltinContext ctx)
    {
        var stats = ctx.State.Statistics;
        ctx.Sync("get_statistics", r =>
        {
            var result = new JsonObject();
            foreach (var selector in Selectors(r))
            {
                foreach (var (key, value, _) in stats.Resolve(selector))
                {
                    result[key] = value;
                }
            }

            // Unknown names give {} rather than 404 in 3.6.8 (docs/wire-facts.md#get-statistics).
            return MiEmulatorReply.Result(result);
        });
        ctx.Sync("list_statistics", r =>
        {
            var result = new JsonObject();
            var selectors = r.HasParam("statistics", 0) ? Selectors(r) : ["all"];
            foreach (var selector in selectors)
            {
                foreach (var (key, _, incremental) in stats.Resolve(selector))
                {
                    result[key] = incremental ? "incremental" : "non-incremental";
                }
            }

            return MiEmulatorReply.Result(result);
        });
        ctx.Sync("reset_statistics", r =>
        {
            // Only single statistics by bare name; a group ("shmem:") or an unknown name is not found.
            var found = false;
            foreach (var selector in Selectors(r).Where(s => !s.EndsWith(':') && s != "all"))
            {
                foreach (var (key, _, _) in stats.Resolve(selector))
                {
                    stats.Reset(key);
                    found = true;
                }
            }

            return found ? MiEmulatorReply.Ok : MiEmulatorReply.Error(404, "Statistics Not Found");
        });
        ctx.Sync("reset_all_statistics", _ =>
        {
            foreach (var (key, _, _) in stats.Resolve("all"))
            {
                stats.Reset(key);
            }

            return MiEmulatorReply.Ok;
        });
    }

    private static List<string> Selectors(MiEmulatorRequest r) =>
        (r.Param("statistics", 0) as JsonArray ?? [])
            .OfType<JsonValue>()
            .Where(v => v.GetValueKind() == JsonValueKind.String)
            .Select(v => v.GetValue<string>())
            .ToList();
}
