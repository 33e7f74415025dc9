using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>The Event Interface commands: events_list, event_subscribe, subscribers_list, raise_event (docs/wire-facts.md#events).</summary>
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
            // Unknown event, a socket without port, an unknown proto: all 400 "Bad parameter value" (docs/wire-facts.md#ev-subscribe).
            var name = r.GetString("event", 0) ?? string.Empty;
            var socket = r.GetString("socket", 1) ?? string.Empty;
            if (!state.Events.Contains(name) || EventSubscriberSocket.Parse(socket) is null)
            {
                return MiEmulatorReply.Error(400, "Bad parameter value");
            }

            var expire = r.GetInt("expire", 2) ?? 3600;
            if (expire < 0)
            {
                return MiEmulatorReply.InvalidParams("Negative expire value");
            }

            // Re-subscribing the same socket refreshes it in place; expire 0 leaves it listed as expired until the
            // next second, when listing it removes it.
            state.Subscribe(new MiSubscriber(name, socket, expire, ctx.Time.GetUtcNow()));
            return MiEmulatorReply.Ok;
        });
        ctx.Sync("subscribers_list", r =>
        {
            // As OpenSIPS's evi_print_event: expired subscribers are dropped first; an event without subscribers
            // prints as {}; with a socket, the one subscriber is printed as "Subscriber".
            var now = ctx.Time.GetUtcNow();
            var only = r.GetString("event", 0);
            if (only is not null)
            {
                var index = state.Events.IndexOf(only);
                if (index < 0)
                {
                    return MiEmulatorReply.Error(404, "Event not published");
                }

                state.RemoveExpired(only, now);
                if (r.GetString("socket", 1) is { } socket)
                {
                    var one = state.Subscribers.FirstOrDefault(s => s.Event == only && s.Socket == socket);
                    return one is null
                        ? MiEmulatorReply.Error(404, "Subscriber does not exist")
                        : MiEmulatorReply.Result(new JsonObject
                        {
                            ["Event"] = new JsonObject { ["name"] = only, ["id"] = index, ["Subscriber"] = SubscriberNode(one, now) },
                        });
                }

                return MiEmulatorReply.Result(new JsonObject { ["Event"] = EventNode(state, only, index, now) });
            }

            var list = new JsonArray();
            for (var i = 0; i < state.Events.Count; i++)
            {
                state.RemoveExpired(state.Events[i], now);
                if (state.Subscribers.Any(s => s.Event == state.Events[i]))
                {
                    list.Add((JsonNode?)EventNode(state, state.Events[i], i, now));
                }
            }

            return MiEmulatorReply.Result(new JsonObject { ["Events"] = list });
        });
        ctx.Sync("raise_event", r =>
        {
            // The checks in the order of OpenSIPS's w_mi_raise_event (checked against a real 3.6.8).
            var name = r.GetString("event", 0) ?? string.Empty;
            if (!state.Events.Contains(name))
            {
                return MiEmulatorReply.Error(404, "Event not registered");
            }

            // Any subscriber counts here, even an expired one; raising then drops the expired ones.
            if (!state.Subscribers.Any(s => s.Event == name))
            {
                return MiEmulatorReply.Error(480, "Temporarily Unavailable");
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
                case JsonObject:
                    // An object is not a string: OpenSIPS only takes a JSON object inside a string.
                    return MiEmulatorReply.Error(400, "No Params");
                case JsonValue text when ParseObject(ParamValues.AsString(text)) is { } named:
                    parameters = EventPayload.FromJsonString(named);
                    break;
                default:
                    return MiEmulatorReply.Error(400, "Bad Params");
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

    private static JsonObject EventNode(MiEmulatorState state, string name, int id, DateTimeOffset now)
    {
        var subs = state.Subscribers.Where(s => s.Event == name).Select(s => (JsonNode)SubscriberNode(s, now)).ToArray();
        return subs.Length == 0 ? [] : new JsonObject { ["name"] = name, ["id"] = id, ["Subscribers"] = new JsonArray(subs) };
    }

    private static JsonObject SubscriberNode(MiSubscriber s, DateTimeOffset now)
    {
        var ttl = s.Expire - (now.ToUnixTimeSeconds() - s.SubscribedAt.ToUnixTimeSeconds());
        return new JsonObject
        {
            ["socket"] = s.Socket,
            ["expire"] = s.Expire,
            ["ttl"] = ttl <= 0 ? JsonValue.Create("expired") : JsonValue.Create(ttl),
        };
    }
}
