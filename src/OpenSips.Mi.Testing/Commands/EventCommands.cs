using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>The Event Interface commands: events_list, event_subscribe, subscribers_list, raise_event (facts 38–41).</summary>
internal static class EventCommands
{
    public static void Register(BuiltinContext ctx, EventDispatcher events)
    {
        var state = ctx.State;
        ctx.Sync("events_list", _ => MiEmulatorReply.Result(new JsonObject
        {
            ["Events"] = new JsonArray(state.Events.Select((e, i) => (JsonNode)new JsonObject { ["name"] = e, ["id"] = i }).ToArray()),
        }));
        ctx.Sync("event_subscribe", r =>
        {
            // Unknown event, a socket without port, an unknown proto: all 400 "Bad parameter value" (fact 38).
            var name = r.GetString("event", 0) ?? string.Empty;
            var socket = r.GetString("socket", 1) ?? string.Empty;
            if (!state.Events.Contains(name) || EventSubscriberSocket.Parse(socket) is null)
            {
                return MiEmulatorReply.Error(400, "Bad parameter value");
            }

            // Re-subscribing the same socket refreshes it; expire 0 leaves it listed as expired (fact 38).
            state.Subscribe(new MiSubscriber(name, socket, Math.Max(0, r.GetInt("expire", 2) ?? 3600), ctx.Time.GetUtcNow()));
            return MiEmulatorReply.Ok;
        });
        ctx.Sync("subscribers_list", r =>
        {
            var only = r.GetString("event", 0);
            if (only is not null)
            {
                var index = state.Events.IndexOf(only);
                if (index < 0)
                {
                    return MiEmulatorReply.Error(404, "Unknown event");
                }

                var node = EventNode(ctx, only, index, r.GetString("socket", 1));
                return node is null
                    ? MiEmulatorReply.Error(404, "Unknown subscriber")
                    : MiEmulatorReply.Result(new JsonObject { ["Event"] = node });
            }

            var list = new JsonArray();
            for (var i = 0; i < state.Events.Count; i++)
            {
                if (state.Subscribers.Any(s => s.Event == state.Events[i]))
                {
                    list.Add((JsonNode?)EventNode(ctx, state.Events[i], i, null));
                }
            }

            return MiEmulatorReply.Result(new JsonObject { ["Events"] = list });
        });
        ctx.Sync("raise_event", r =>
        {
            var name = r.GetString("event", 0) ?? string.Empty;
            if (!state.Events.Contains(name))
            {
                // Not captured: OpenSIPS's mi_raise_event answers this for an event nobody registered.
                return MiEmulatorReply.Error(400, "Event not registered");
            }

            byte[] parameters;
            switch (r.Param("params", 1))
            {
                case null:
                    parameters = EventPayload.Named(null);
                    break;
                case JsonArray values:
                    parameters = EventPayload.Unnamed(values);
                    break;
                case JsonObject named:
                    parameters = EventPayload.Named(named);
                    break;
                case JsonValue text when ParseObject(ParamValues.AsString(text)) is { } named:
                    parameters = EventPayload.Named(named);
                    break;
                default:
                    return MiEmulatorReply.Error(400, "Params should be a JSON object or array");
            }

            if (events.Live(name).Count == 0)
            {
                return MiEmulatorReply.Error(480, "Temporarily Unavailable");
            }

            _ = events.Raise(name, parameters);
            return MiEmulatorReply.Ok;
        });
    }

    private static JsonObject? ParseObject(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject? EventNode(BuiltinContext ctx, string name, int id, string? socket)
    {
        var now = ctx.Time.GetUtcNow();
        var subs = ctx.State.Subscribers.Where(s => s.Event == name && (socket is null || s.Socket == socket)).Select(s =>
        {
            var ttl = s.Expire - (int)(now - s.SubscribedAt).TotalSeconds;
            return (JsonNode)new JsonObject
            {
                ["socket"] = s.Socket,
                ["expire"] = s.Expire,
                ["ttl"] = s.Expire == 0 || ttl <= 0 ? JsonValue.Create("expired") : JsonValue.Create(ttl),
            };
        }).ToArray();
        return socket is not null && subs.Length == 0
            ? null
            : new JsonObject { ["name"] = name, ["id"] = id, ["Subscribers"] = new JsonArray(subs) };
    }
}
