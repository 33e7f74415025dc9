using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>OpenSIPS core commands: which, uptime, version, ps, pwd, arg, log_level, help.</summary>
internal static class CoreCommands
{
    public const string ServerVersion = "OpenSIPS (3.6.8 (x86_64/linux))";

    public const string ServerVersion40 = "OpenSIPS (4.0.1 (x86_64/linux))";

    public static void Register(BuiltinContext ctx)
    {
        ctx.Sync("which", _ => MiEmulatorReply.Result(new JsonArray(ctx.Registry.Names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray())));
        ctx.Sync("uptime", _ => Uptime(ctx));
        var version = ctx.Options.Dialect == MiEmulatorDialect.OpenSips40 ? ServerVersion40 : ServerVersion;
        ctx.Sync("version", _ => MiEmulatorReply.Result(new JsonObject { ["Server"] = version }));
        ctx.Sync("ps", _ => MiEmulatorReply.Result(new JsonObject
        {
            ["Processes"] = new JsonArray(ctx.State.Processes
                .Select(p => (JsonNode)new JsonObject { ["ID"] = p.Id, ["PID"] = p.Pid, ["Type"] = p.Type }).ToArray()),
        }));
        ctx.Sync("pwd", _ => MiEmulatorReply.Result(new JsonObject { ["WD"] = ctx.State.WorkingDirectory }));
        ctx.Sync("arg", _ => MiEmulatorReply.Result(new JsonArray(ctx.State.Arguments.Select(a => (JsonNode)JsonValue.Create(a)).ToArray())));
        ctx.Sync("log_level", r => LogLevel(ctx, r));
        ctx.Sync("help", r => Help(ctx, r));
    }

    /// <summary>ctime(3) format, e.g. <c>Thu Nov 26 16:28:24 2026</c> (day padded with a space).</summary>
    public static string CTime(DateTimeOffset t) =>
        string.Create(CultureInfo.InvariantCulture, $"{t:ddd MMM} {t.Day,2} {t:HH:mm:ss yyyy}");

    private static MiEmulatorReply Uptime(BuiltinContext ctx)
    {
        var now = ctx.Time.GetLocalNow();
        var since = ctx.State.StartedAt;
        var up = (long)Math.Max(0, (now - since).TotalSeconds);
        return MiEmulatorReply.Result(new JsonObject
        {
            ["Now"] = CTime(now),
            ["Up since"] = CTime(since.ToOffset(now.Offset)),
            ["Up time"] = string.Create(CultureInfo.InvariantCulture, $"{up} [sec]"),
        });
    }

    private static MiEmulatorReply LogLevel(BuiltinContext ctx, MiEmulatorRequest r)
    {
        var level = r.GetInt("level", 0);
        if (level is null)
        {
            return MiEmulatorReply.Result(new JsonObject
            {
                ["Processes"] = new JsonArray(ctx.State.Processes
                    .Select(p => (JsonNode)new JsonObject { ["PID"] = p.Pid, ["Log level"] = p.LogLevel, ["Type"] = p.Type }).ToArray()),
            });
        }

        var pid = r.GetInt("pid", 1);
        if (pid is null)
        {
            ctx.State.GlobalLogLevel = level.Value;
            foreach (var p in ctx.State.Processes)
            {
                p.LogLevel = level.Value;
            }

            return MiEmulatorReply.Result(new JsonObject { ["New global log level"] = level.Value });
        }

        var process = ctx.State.Processes.FirstOrDefault(p => p.Pid == pid.Value);
        if (process is null)
        {
            return MiEmulatorReply.InvalidParams("Bad PID");
        }

        process.LogLevel = level.Value;
        return MiEmulatorReply.Result(new JsonObject { ["New log level"] = level.Value });
    }

    private static MiEmulatorReply Help(BuiltinContext ctx, MiEmulatorRequest r)
    {
        var name = r.GetString("mi_cmd", 0);
        if (name is null)
        {
            // A bare string, not an object (checked against a real 3.6.8 and 4.0.1).
            return MiEmulatorReply.Result(JsonValue.Create("Usage: help mi_cmd - returns information about 'mi_cmd'"));
        }

        var entry = ctx.Registry.Find(name);
        return entry is null
            ? MiEmulatorReply.Error(404, "unknown MI command")
            : MiEmulatorReply.Result(new JsonObject { ["Help"] = entry.Help, ["Exported by"] = entry.ExportedBy });
    }
}
