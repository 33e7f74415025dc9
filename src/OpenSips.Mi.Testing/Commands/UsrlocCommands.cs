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

            var aor = Aor(r);
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
            var aor = Aor(r);
            if (QValue.Parse(r.GetString("q", 4)) is not { } q)
            {
                return MiEmulatorReply.Error(400, "Bad parameter value");
            }

            var before = ul.Find(aor);
            var uri = r.GetString("contact", 2) ?? string.Empty;
            var existing = before?.FirstOrDefault(c => c.Contact == uri);
            var contact = new MiContact
            {
                Contact = uri,
                // An update keeps the contact's id and CSeq.
                ContactId = existing?.ContactId ?? Interlocked.Increment(ref _nextContactId).ToString(CultureInfo.InvariantCulture),
                CSeq = existing?.CSeq ?? 1,
                // 0 makes a permanent contact.
                ExpiresAt = expires == 0 ? DateTimeOffset.MaxValue : ctx.Time.GetUtcNow().AddSeconds(expires),
                Q = QValue.Format(q),
                CallId = "dfjrewr12386fd6-343@opensips.mi",
                UserAgent = "OpenSIPS MI Server",
                Flags = r.GetInt("flags", 5) ?? 0,
                // Printed as the names of the set branch flags; the emulated script defines none.
                Cflags = string.Empty,
                // A contact added over MI has no receiving socket: "Socket" is not printed.
                Socket = string.Empty,
                Methods = (uint)(r.GetInt("methods", 7) ?? -1),
            };
            ul.Add(aor, contact);
            if (before is null)
            {
                _ = events.Raise("E_UL_AOR_INSERT", EventPayload.Named(UsrlocEvents.Aor(ul.TableName, aor)));
            }

            var updated = existing is not null;
            _ = events.Raise(updated ? "E_UL_CONTACT_UPDATE" : "E_UL_CONTACT_INSERT", EventPayload.Named(UsrlocEvents.Contact(ul.TableName, aor, contact)));
            return MiEmulatorReply.Ok;
        });
        ctx.Sync("ul_rm", r =>
        {
            if (r.GetString("table_name", 0) != ul.TableName)
            {
                return TableNotFound();
            }

            var aor = Aor(r);
            // Removing an AOR that is not there is not an error.
            var contacts = ul.Find(aor);
            if (contacts is null || !ul.Remove(aor))
            {
                return MiEmulatorReply.Ok;
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

            var aor = Aor(r);
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

    /// <summary>The AOR param as usrloc keys it: with use_domain off (the default), anything from '@' on is dropped.</summary>
    private static string Aor(MiEmulatorRequest r)
    {
        var aor = r.GetString("aor", 1) ?? string.Empty;
        var at = aor.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? aor : aor[..at];
    }

    private static MiEmulatorReply TableNotFound() => MiEmulatorReply.Error(404, "Table not found");

    private static MiEmulatorReply AorNotFound() => MiEmulatorReply.Error(404, "AOR not found");

    private static JsonArray Contacts(BuiltinContext ctx, IEnumerable<MiContact> contacts)
    {
        var now = ctx.Time.GetUtcNow();
        return new JsonArray(contacts.Select(c =>
        {
            // As usrloc's mi_add_aor_node prints a contact: User-agent and Socket only when known.
            var node = new JsonObject
            {
                ["Contact"] = c.Contact,
                ["ContactID"] = c.ContactId,
                ["Expires"] = c.ExpiresAt == DateTimeOffset.MaxValue ? JsonValue.Create("permanent")
                    : now > c.ExpiresAt ? JsonValue.Create("expired")
                    : JsonValue.Create((int)(c.ExpiresAt - now).TotalSeconds),
                ["Q"] = c.Q,
                ["Callid"] = c.CallId,
                ["Cseq"] = c.CSeq,
            };
            if (c.UserAgent.Length > 0)
            {
                node["User-agent"] = c.UserAgent;
            }

            node["State"] = c.State;
            node["Flags"] = c.Flags;
            node["Cflags"] = c.Cflags;
            if (c.Socket.Length > 0)
            {
                node["Socket"] = c.Socket;
            }

            node["Methods"] = c.Methods;
            return (JsonNode)node;
        }).ToArray());
    }
}

/// <summary>SIP q values as OpenSIPS's str2q / q2str handle them: 0 to 1 with at most three decimals, kept as q × 1000.</summary>
internal static class QValue
{
    /// <summary>q × 1000, or null when str2q refuses the text (empty, not a number, above 1, more than 3 decimals).</summary>
    public static int? Parse(string? text)
    {
        var s = (text ?? string.Empty).TrimStart(' ', '\t');
        var m = System.Text.RegularExpressions.Regex.Match(s, @"^(?:0*(?:\.(\d{1,3})?)?|0*1(?:\.0{0,3})?|\.(\d{1,3}))$");
        if (s.Length == 0 || s == "." || !m.Success)
        {
            return null;
        }

        if (s.TrimStart('0').StartsWith('1'))
        {
            return 1000;
        }

        var decimals = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
        return decimals.Length == 0 ? 0 : int.Parse(decimals.PadRight(3, '0'), CultureInfo.InvariantCulture);
    }

    /// <summary>q2str: <c>1</c>, <c>0</c>, or <c>0.</c> and the decimals without trailing zeros.</summary>
    public static string Format(int q) => q switch
    {
        >= 1000 => "1",
        <= 0 => "0",
        _ => "0." + q.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0'),
    };
}
