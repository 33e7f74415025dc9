using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenSips.Mi.Testing;

/// <summary>The Event Interface commands (subscriptions are recorded; no event is sent yet).</summary>
internal static partial class EventCommands
{
    public static void Register(BuiltinContext ctx)
    {
        var state = ctx.State;
        ctx.Sync("events_list", _ => MiEmulatorReply.Result(new JsonObject
        {
            ["Events"] = new JsonArray(state.Events.Select((e, i) => (JsonNode)new JsonObject { ["name"] = e, ["id"] = i }).ToArray()),
        }));
        ctx.Sync("event_subscribe", r =>
        {
            var name = r.GetString("event", 0) ?? string.Empty;
            var socket = r.GetString("socket", 1) ?? string.Empty;
            if (!state.Events.Contains(name) || !SocketPattern().IsMatch(socket))
            {
                return MiEmulatorReply.Error(400, "Bad parameter value");
            }

            state.Subscribe(new MiSubscriber(name, socket, r.GetInt("expire", 2) ?? 3600, ctx.Time.GetUtcNow()));
            return MiEmulatorReply.Ok;
        });
        ctx.Sync("subscribers_list", r =>
        {
            var only = r.GetString("event", 0);
            if (only is not null)
            {
                var index = state.Events.IndexOf(only);
                return index < 0
                    ? MiEmulatorReply.Error(404, "Unknown event")
                    : MiEmulatorReply.Result(new JsonObject { ["Event"] = EventNode(ctx, only, index) });
            }

            var events = new JsonArray();
            for (var i = 0; i < state.Events.Count; i++)
            {
                if (state.Subscribers.Any(s => s.Event == state.Events[i]))
                {
                    events.Add(EventNode(ctx, state.Events[i], i));
                }
            }

            return MiEmulatorReply.Result(new JsonObject { ["Events"] = events });
        });
    }

    private static JsonObject EventNode(BuiltinContext ctx, string name, int id)
    {
        var now = ctx.Time.GetUtcNow();
        var subs = ctx.State.Subscribers.Where(s => s.Event == name).Select(s =>
        {
            var ttl = s.Expire - (int)(now - s.SubscribedAt).TotalSeconds;
            return (JsonNode)new JsonObject
            {
                ["socket"] = s.Socket,
                ["expire"] = s.Expire,
                ["ttl"] = s.Expire == 0 || ttl <= 0 ? JsonValue.Create("expired") : JsonValue.Create(ttl),
            };
        });
        return new JsonObject { ["name"] = name, ["id"] = id, ["Subscribers"] = new JsonArray(subs.ToArray()) };
    }

    [GeneratedRegex(@"^(udp|tcp):[^:/]+:\d+(/.*)?$")]
    private static partial Regex SocketPattern();
}
