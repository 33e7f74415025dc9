using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>The usrloc module's commands on the emulator's <see cref="MiUsrloc"/>.</summary>
internal static class UsrlocCommands
{
    private static long _nextContactId = 5_000_000_000_000_000_000 / 2;

    public static void Register(BuiltinContext ctx, EventDispatcher events)
    {
        var ul = ctx.State.Usrloc;
        ctx.Sync("ul_show_contact", r =>
        {
            if (r.GetString("table_name", 0) != ul.TableName)
            {
                return TableNotFound();
            }

            var aor = r.GetString("aor", 1) ?? string.Empty;
            var contacts = ul.Find(aor);
            return contacts is null
                ? AorNotFound()
                : MiEmulatorReply.Result(new JsonObject { ["AOR"] = aor, ["Contacts"] = Contacts(ctx, contacts) });
        });
        ctx.Sync("ul_dump", r =>
        {
            var brief = r.Param("brief", 0) is { } b && ParamValues.AsInt(b) is not 0;
            var aors = new JsonArray();
            foreach (var (aor, contacts) in ul.Snapshot())
            {
                aors.Add((JsonNode)(brief ? new JsonObject { ["AOR"] = aor } : new JsonObject { ["AOR"] = aor, ["Contacts"] = Contacts(ctx, contacts) }));
            }

            return MiEmulatorReply.Result(new JsonObject
            {
                ["Domains"] = new JsonArray(new JsonObject { ["name"] = ul.TableName, ["hash_size"] = 512, ["AORs"] = aors }),
            });
        });
        ctx.Sync("ul_add", r =>
        {
            if (r.GetString("table_name", 0) != ul.TableName)
            {
                return TableNotFound();
            }

            var expires = r.GetInt("expires", 3) ?? 0;
            var aor = r.GetString("aor", 1) ?? string.Empty;
            var before = ul.Find(aor);
            var contact = new MiContact
            {
                Contact = r.GetString("contact", 2) ?? string.Empty,
                ContactId = Interlocked.Increment(ref _nextContactId).ToString(CultureInfo.InvariantCulture),
                ExpiresAt = ctx.Time.GetUtcNow().AddSeconds(expires),
                Q = r.GetString("q", 4) ?? string.Empty,
                CallId = "dfjrewr12386fd6-343@opensips.mi",
                UserAgent = "SIP Router MI Server",
                Flags = r.GetInt("flags", 5) ?? 0,
                Cflags = r.GetString("cflags", 6) ?? string.Empty,
                Methods = (uint)(r.GetInt("methods", 7) ?? -1),
            };
            ul.Add(aor, contact);
            if (before is null)
            {
                _ = events.Raise("E_UL_AOR_INSERT", EventPayload.Named(UsrlocEvents.Aor(ul.TableName, aor)));
            }

            var updated = before?.Any(c => c.Contact == contact.Contact) == true;
            _ = events.Raise(updated ? "E_UL_CONTACT_UPDATE" : "E_UL_CONTACT_INSERT", EventPayload.Named(UsrlocEvents.Contact(ul.TableName, aor, contact)));
            return MiEmulatorReply.Ok;
        });
        ctx.Sync("ul_rm", r =>
        {
            if (r.GetString("table_name", 0) != ul.TableName)
            {
                return TableNotFound();
            }

            var aor = r.GetString("aor", 1) ?? string.Empty;
            var contacts = ul.Find(aor);
            if (contacts is null || !ul.Remove(aor))
            {
                return AorNotFound();
            }

            foreach (var c in contacts)
            {
                _ = events.Raise("E_UL_CONTACT_DELETE", EventPayload.Named(UsrlocEvents.Contact(ul.TableName, aor, c)));
            }

            _ = events.Raise("E_UL_AOR_DELETE", EventPayload.Named(UsrlocEvents.Aor(ul.TableName, aor)));
            return MiEmulatorReply.Ok;
        });
        ctx.Sync("ul_rm_contact", r =>
        {
            if (r.GetString("table_name", 0) != ul.TableName)
            {
                return TableNotFound();
            }

            var aor = r.GetString("aor", 1) ?? string.Empty;
            var contacts = ul.Find(aor);
            if (contacts is null)
            {
                return AorNotFound();
            }

            var uri = r.GetString("contact", 2) ?? string.Empty;
            if (!ul.RemoveContact(aor, uri))
            {
                return MiEmulatorReply.Error(404, "Contact not found");
            }

            foreach (var c in contacts.Where(c => c.Contact == uri))
            {
                _ = events.Raise("E_UL_CONTACT_DELETE", EventPayload.Named(UsrlocEvents.Contact(ul.TableName, aor, c)));
            }

            if (ul.Find(aor) is null)
            {
                _ = events.Raise("E_UL_AOR_DELETE", EventPayload.Named(UsrlocEvents.Aor(ul.TableName, aor)));
            }

            return MiEmulatorReply.Ok;
        });
        ctx.Sync("ul_flush", _ => MiEmulatorReply.Ok);
    }

    private static MiEmulatorReply TableNotFound() => MiEmulatorReply.Error(404, "Table not found");

    private static MiEmulatorReply AorNotFound() => MiEmulatorReply.Error(404, "AOR not found");

    private static JsonArray Contacts(BuiltinContext ctx, IEnumerable<MiContact> contacts)
    {
        var now = ctx.Time.GetUtcNow();
        return new JsonArray(contacts.Select(c => (JsonNode)new JsonObject
        {
            ["Contact"] = c.Contact,
            ["ContactID"] = c.ContactId,
            ["Expires"] = (int)Math.Max(0, (c.ExpiresAt - now).TotalSeconds),
            ["Q"] = c.Q,
            ["Callid"] = c.CallId,
            ["Cseq"] = c.CSeq,
            ["User-agent"] = c.UserAgent,
            ["State"] = c.State,
            ["Flags"] = c.Flags,
            ["Cflags"] = c.Cflags,
            ["Socket"] = c.Socket,
            ["Methods"] = c.Methods,
        }).ToArray());
    }
}
