using System.Text.Json.Nodes;

namespace OpenSips.Mi.IntegrationTests.Emulator;

/// <summary>One request of a comparison case. <c>{aor}</c>, <c>{key}</c> and <c>{port}</c> in the params are replaced by values unique to the run.</summary>
/// <param name="Method">The command.</param>
/// <param name="Params">The params as JSON (array: positional, object: named), or null for none.</param>
/// <param name="Rules">How the results are compared.</param>
/// <param name="Compare">False for a set-up or clean-up step whose replies are not compared.</param>
public sealed record ShapeStep(string Method, string? Params = null, ShapeRules? Rules = null, bool Compare = true)
{
    /// <summary>Not a request: the harness waits 1.1 s.</summary>
    public const string Wait = "(wait)";

    /// <summary>
    /// Not a request: the harness waits for the wall clock's next second to begin, so that the steps after it run within
    /// one second on both sides (OpenSIPS and the emulator judge expiry by whole seconds).
    /// </summary>
    public const string Align = "(align)";

    public JsonNode? ParamsFor(string aor, string key, int port) => Params is null
        ? null
        : JsonNode.Parse(Params.Replace("{aor}", aor, StringComparison.Ordinal).Replace("{key}", key, StringComparison.Ordinal)
            .Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    public override string ToString() => Params is null ? Method : $"{Method} {Params}";
}

/// <summary>A named sequence of requests sent to a fresh emulator and to the real server; each step's replies must have the same shape.</summary>
public sealed record ShapeCase(string Name, params ShapeStep[] Steps)
{
    /// <summary>The versions the case applies to (null: every version compared).</summary>
    public IReadOnlySet<int>? Majors { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// The table: every command the emulator answers with a built-in handler, with success and error variants (bad params,
/// unknown names, wrong counts, named and positional).
/// </summary>
public static partial class ShapeCases
{
    private static readonly ShapeRules Shapes = new() { ValuesVolatile = true, ArraysByShape = true };

    /// <summary>ul_dump: the AORs both have (alice and bob); other tests of the collection may add their own for a while.</summary>
    private static readonly ShapeRules Dump = Shapes with { Normalize = (e, r) => (OnlyPhones(e), OnlyPhones(r)) };

    private static JsonNode? OnlyPhones(JsonNode? dump)
    {
        foreach (var domain in dump?["Domains"]?.AsArray() ?? [])
        {
            if (domain?["AORs"] is JsonArray aors)
            {
                foreach (var other in aors.Where(a => a?["AOR"]?.GetValue<string>() is not ("alice" or "bob")).ToList())
                {
                    aors.Remove(other);
                }
            }
        }

        return dump;
    }

    /// <summary>
    /// The real server loads more modules: the real names are narrowed to the modules the emulator has (by the part
    /// before ':' in 4.0, by name in 3.x), then both lists must be equal, in order.
    /// </summary>
    private static readonly ShapeRules KnownNames = new()
    {
        ArraysExact = true,
        Normalize = (e, r) => (e, e is JsonArray ea && r is JsonArray ra
            ? new JsonArray(ra.Where(n => ea.Any(x => SameModule(x?.GetValue<string>(), n?.GetValue<string>()))).Select(n => n?.DeepClone()).ToArray())
            : r),
    };

    /// <summary>
    /// Statistics: the groups the emulator has; values are counters. The per-process ones (<c>load:load-proc-N</c>,
    /// <c>pkmem:N-…</c>) depend on how many processes the configuration starts, so they are left out on both sides.
    /// </summary>
    private static readonly ShapeRules KnownGroups = new()
    {
        ValuesVolatile = true,
        Normalize = (e, r) => (WithoutPerProcess(e, null), WithoutPerProcess(r, e as JsonObject)),
    };

    private static JsonNode? WithoutPerProcess(JsonNode? node, JsonObject? groupsOf) => node is JsonObject o
        ? new JsonObject(o.Where(p => !PerProcess().IsMatch(p.Key) && (groupsOf is null || groupsOf.Any(x => Group(x.Key) == Group(p.Key))))
            .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())))
        : node;

    [System.Text.RegularExpressions.GeneratedRegex(@"^(load:load(1m|10m)?-proc-\d+|pkmem:\d+-)")]
    private static partial System.Text.RegularExpressions.Regex PerProcess();

    /// <summary>list_statistics: like <see cref="KnownGroups"/> but the values (incremental or not) are compared.</summary>
    private static readonly ShapeRules KnownGroupsExact = KnownGroups with { ValuesVolatile = false };

    /// <summary>events_list / subscribers_list: the events the emulator lists (others belong to modules it does not emulate, or to other tests).</summary>
    private static readonly ShapeRules KnownEvents = new()
    {
        Normalize = (e, r) =>
        {
            if (e is not JsonObject { } eo || r is not JsonObject ro || eo["Events"] is not JsonArray ea || ro["Events"] is not JsonArray ra)
            {
                return (e, r);
            }

            var names = ea.Select(x => x?["name"]?.GetValue<string>()).ToHashSet();
            return (e, new JsonObject { ["Events"] = new JsonArray(ra.Where(x => names.Contains(x?["name"]?.GetValue<string>())).Select(x => x?.DeepClone()).ToArray()) });
        },
    };

    private static bool SameModule(string? emulator, string? real) =>
        emulator is not null && real is not null && (emulator.Contains(':', StringComparison.Ordinal)
            ? Group(emulator) == Group(real)
            : emulator == real);

    private static string Group(string key) => key.Contains(':', StringComparison.Ordinal) ? key[..key.IndexOf(':', StringComparison.Ordinal)] : key;

    private static ShapeStep S(string method, string? parameters = null, ShapeRules? rules = null) => new(method, parameters, rules);

    /// <summary>Lets a second pass, so subscriptions refreshed with expire 0 are gone before the next run.</summary>
    private static ShapeStep NextSecond() => new(ShapeStep.Wait, Compare: false);

    private static ShapeStep FreshSecond() => new(ShapeStep.Align, Compare: false);

    private static ShapeStep Quiet(string method, string? parameters = null) => new(method, parameters, Compare: false);

    private static ShapeCase C(string name, params ShapeStep[] steps) => new(name, steps);

    private static ShapeCase C4(string name, params ShapeStep[] steps) => new(name, steps) { Majors = new HashSet<int> { 4 } };

    public static IReadOnlyList<ShapeCase> All { get; } =
    [
        // core
        C("which", S("which", rules: KnownNames)),
        C("uptime", S("uptime")),
        C("version", S("version")),
        C("ps", S("ps", rules: Shapes)),
        C("pwd", S("pwd")),
        C("arg", S("arg", rules: Shapes)),
        C("log_level get", S("log_level", rules: Shapes)),
        C("log_level set global", S("log_level", "[3]"), S("log_level", "{\"level\":3}"), S("log_level", "[\"3\"]")),
        C("log_level bad pid", S("log_level", "[3, 999999]"), S("log_level", "{\"level\":3,\"pid\":999999}")),
        C("log_level bad type", S("log_level", "{\"level\":\"x\"}"), S("log_level", "[\"x\"]"), S("log_level", "[3, \"x\"]")),
        C("log_level bad count or names", S("log_level", "[1,2,3]"), S("log_level", "{\"lvl\":3}"), S("log_level", "{\"level\":3,\"x\":1}")),
        C("help", S("help"), S("help", "[]"), S("help", "{}")),
        C("help command", S("help", "[\"uptime\"]"), S("help", "{\"mi_cmd\":\"ul_dump\"}"), S("help", "[\"t_uac_dlg\"]"), S("help", "[\"get_statistics\"]")),
        C("help unknown", S("help", "[\"no_such_command\"]"), S("help", "[\"a\",\"b\"]"), S("help", "{\"cmd\":\"uptime\"}")),
        C("unknown command", S("no_such_command"), S("no_such_command", "[1]")),
        C("params on a command without any", S("uptime", "[1]"), S("version", "{\"a\":1}"), S("which", "[]"), S("ps", "{}")),

        // statistics
        C("get_statistics group", S("get_statistics", "[[\"tm:\"]]", Shapes with { ArraysByShape = false }), S("get_statistics", "{\"statistics\":[\"usrloc:\"]}", Shapes with { ArraysByShape = false })),
        C("get_statistics core groups", S("get_statistics", "[[\"core:\"]]", KnownGroups), S("get_statistics", "[[\"shmem:\",\"net:\"]]", KnownGroups), S("get_statistics", "[[\"dialog:\"]]", KnownGroups)),
        C("get_statistics all", S("get_statistics", "[[\"all\"]]", KnownGroups)),
        C("get_statistics names", S("get_statistics", "[[\"rcv_requests\",\"UAC_transactions\"]]", KnownGroups), S("get_statistics", "[[\"core:rcv_requests\"]]"), S("get_statistics", "[[\"no_such_stat\"]]")),
        C("get_statistics bad params", S("get_statistics", "[\"core:\"]"), S("get_statistics", "{\"stats\":[\"core:\"]}"), S("get_statistics"), S("get_statistics", "[[\"core:\"],1]"), S("get_statistics", "[[1]]")),
        C("list_statistics", S("list_statistics", rules: KnownGroupsExact), S("list_statistics", "[[\"tm:\"]]"), S("list_statistics", "{\"statistics\":[\"usrloc:\"]}"), S("list_statistics", "[[\"nope\"]]"), S("list_statistics", "[\"tm:\"]")),
        C("reset_statistics", S("reset_statistics", "[[\"bad_msg_hdr\"]]"), S("reset_statistics", "[[\"shmem:\"]]"), S("reset_statistics", "[[\"nope\"]]"), S("reset_statistics"), S("reset_statistics", "[\"bad_msg_hdr\"]")),
        C("reset_all_statistics", S("reset_all_statistics"), S("reset_all_statistics", "[1]")),

        // usrloc
        C("ul_show_contact registered", S("ul_show_contact", "[\"location\",\"alice\"]"), S("ul_show_contact", "{\"table_name\":\"location\",\"aor\":\"bob\"}"), S("ul_show_contact", "[\"location\",\"alice@example.com\"]")),
        C("ul_show_contact errors", S("ul_show_contact", "[\"location\",\"{aor}\"]"), S("ul_show_contact", "[\"nope\",\"alice\"]"), S("ul_show_contact", "[\"location\"]"), S("ul_show_contact", "{\"table\":\"location\",\"aor\":\"alice\"}"), S("ul_show_contact")),
        C("ul_dump", S("ul_dump", rules: Dump), S("ul_dump", "[1]", Dump), S("ul_dump", "[\"1\"]", Dump), S("ul_dump", "{\"brief\":0}", Dump), S("ul_dump", "[0]", Dump)),
        C("ul_dump bad params", S("ul_dump", "[\"x\",\"y\"]"), S("ul_dump", "[\"x\"]"), S("ul_dump", "{\"short\":1}")),
        C("ul_add show rm",
            S("ul_add", "[\"location\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\",3600,\"0.5\",0,0,0]"),
            S("ul_show_contact", "[\"location\",\"{aor}\"]"),
            S("ul_add", "[\"location\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\",600,\"1\",0,0,0]"),
            S("ul_show_contact", "[\"location\",\"{aor}\"]"),
            S("ul_add", "{\"table_name\":\"location\",\"aor\":\"{aor}\",\"contact\":\"sip:{aor}@127.0.0.1:5098\",\"expires\":60,\"q\":\"0.1\",\"flags\":0,\"cflags\":0,\"methods\":15}"),
            S("ul_show_contact", "[\"location\",\"{aor}\"]", new ShapeRules { ArraysByShape = true }),
            S("ul_rm_contact", "[\"location\",\"{aor}\",\"sip:nobody@127.0.0.1\"]"),
            S("ul_rm_contact", "[\"location\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\"]"),
            S("ul_show_contact", "[\"location\",\"{aor}\"]"),
            S("ul_rm", "[\"location\",\"{aor}\"]"),
            S("ul_show_contact", "[\"location\",\"{aor}\"]"),
            S("ul_rm", "[\"location\",\"{aor}\"]")),
        C("ul_add permanent", S("ul_add", "[\"location\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\",0,\"1\",0,0,0]"), S("ul_show_contact", "[\"location\",\"{aor}\"]"), S("ul_rm", "{\"table_name\":\"location\",\"aor\":\"{aor}\"}")),
        C("ul_add domain stripped", S("ul_add", "[\"location\",\"{aor}@example.com\",\"sip:{aor}@127.0.0.1:5099\",60,\"1\",0,0,0]"), S("ul_show_contact", "[\"location\",\"{aor}\"]"), S("ul_rm", "[\"location\",\"{aor}@example.com\"]"), S("ul_show_contact", "[\"location\",\"{aor}\"]")),
        C("ul_add errors",
            S("ul_add", "[\"location\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\",3600,\"0.5\",0,0]"),
            S("ul_add", "[\"location\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\",60,\"\",0,0,0]"),
            S("ul_add", "[\"location\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\",60,\"x\",0,0,0]"),
            S("ul_add", "[\"location\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\",\"x\",\"1\",0,0,0]"),
            S("ul_add", "[\"nope\",\"{aor}\",\"sip:{aor}@127.0.0.1:5099\",60,\"1\",0,0,0]"),
            S("ul_add", "{\"table_name\":\"location\",\"aor\":\"{aor}\",\"contact\":\"sip:x@127.0.0.1\",\"expires\":10,\"q\":\"1\",\"flags\":0,\"cflags\":\"\",\"methods\":0}"),
            S("ul_add", "{\"table_name\":\"location\",\"aor\":\"{aor}\"}"),
            S("ul_show_contact", "[\"location\",\"{aor}\"]")),
        C("ul_rm and ul_rm_contact errors", S("ul_rm", "[\"location\",\"{aor}\"]"), S("ul_rm", "[\"nope\",\"{aor}\"]"), S("ul_rm", "[\"location\"]"), S("ul_rm_contact", "[\"location\",\"{aor}\",\"sip:x@127.0.0.1\"]"), S("ul_rm_contact", "[\"nope\",\"{aor}\",\"sip:x@127.0.0.1\"]"), S("ul_rm_contact", "[\"location\",\"{aor}\"]")),
        C("ul_flush", S("ul_flush"), S("ul_flush", "[\"x\"]")),

        // cachedb_local through the core's cache_* commands
        C("cache store fetch remove",
            S("cache_store", "[\"local\",\"{key}\",\"v1\"]"),
            S("cache_fetch", "[\"local\",\"{key}\"]"),
            S("cache_store", "{\"system\":\"local\",\"attr\":\"{key}\",\"value\":\"v2\",\"expire\":60}"),
            S("cache_fetch", "{\"system\":\"local\",\"attr\":\"{key}\"}"),
            S("cache_remove", "[\"local\",\"{key}\"]"),
            S("cache_fetch", "[\"local\",\"{key}\"]"),
            S("cache_remove", "[\"local\",\"{key}\"]")),
        C("cache errors",
            S("cache_store", "[\"local\",\"{key}\",\"v1\",-1]"),
            S("cache_store", "[\"local\",\"{key}\",\"\"]"),
            S("cache_store", "[\"nope\",\"{key}\",\"v1\"]"),
            S("cache_store", "[\"\",\"{key}\",\"v1\"]"),
            S("cache_store", "[\"local\",\"\",\"v1\"]"),
            S("cache_store", "{\"system\":\"local\",\"attr\":\"{key}\",\"value\":\"v\",\"expire\":\"x\"}"),
            S("cache_fetch", "[\"nope\",\"{key}\"]"),
            S("cache_fetch", "[\"local\"]"),
            S("cache_remove", "[\"nope\",\"{key}\"]"),
            S("cache_remove", "[\"local\",\"\"]")),

        // Event Interface
        C("events_list", S("events_list", rules: KnownEvents), S("events_list", "[1]")),
        C("event_subscribe and subscribers_list",
            S("event_subscribe", "[\"E_CORE_PKG_THRESHOLD\",\"udp:127.0.0.1:{port}\"]"),
            S("event_subscribe", "{\"event\":\"E_CORE_PKG_THRESHOLD\",\"socket\":\"tcp:127.0.0.1:{port}\",\"expire\":100}"),
            S("subscribers_list", "[\"E_CORE_PKG_THRESHOLD\"]"),
            S("subscribers_list", "[\"E_CORE_PKG_THRESHOLD\",\"tcp:127.0.0.1:{port}\"]"),
            S("subscribers_list", "{\"event\":\"E_CORE_PKG_THRESHOLD\",\"socket\":\"udp:127.0.0.1:{port}\"}"),
            S("subscribers_list", rules: KnownEvents),

            // A subscription ended with expire 0 is listed as "expired" in its own second and dropped after it: the
            // unsubscribe and the list that follows must fall in the same second for the emulator and for OpenSIPS.
            FreshSecond(),
            S("event_subscribe", "[\"E_CORE_PKG_THRESHOLD\",\"udp:127.0.0.1:{port}\",0]"),
            S("subscribers_list", "[\"E_CORE_PKG_THRESHOLD\"]"),
            FreshSecond(),
            S("event_subscribe", "[\"E_CORE_PKG_THRESHOLD\",\"tcp:127.0.0.1:{port}\",0]"),
            S("subscribers_list", "[\"E_CORE_PKG_THRESHOLD\"]"),
            NextSecond(),
            NextSecond(),
            S("subscribers_list", "[\"E_CORE_PKG_THRESHOLD\"]")),
        C("subscribers_list errors",
            S("subscribers_list", "[\"E_NO_SUCH_EVENT\"]"),
            S("subscribers_list", "[\"E_CORE_SHM_THRESHOLD\"]"),
            S("subscribers_list", "[\"E_CORE_SHM_THRESHOLD\",\"udp:127.0.0.1:{port}\"]"),
            S("subscribers_list", "[\"E_NO_SUCH_EVENT\",\"udp:127.0.0.1:{port}\"]"),
            S("subscribers_list", "[1,2,3]")),
        C("event_subscribe errors",
            S("event_subscribe", "[\"E_NO_SUCH_EVENT\",\"udp:127.0.0.1:{port}\"]"),
            S("event_subscribe", "[\"E_CORE_SHM_THRESHOLD\",\"udp:127.0.0.1\"]"),
            S("event_subscribe", "[\"E_CORE_SHM_THRESHOLD\",\"xyz:127.0.0.1:{port}\"]"),
            S("event_subscribe", "[\"E_CORE_SHM_THRESHOLD\",\"udp:127.0.0.1:{port}\",\"x\"]"),
            S("event_subscribe", "[\"E_CORE_SHM_THRESHOLD\",\"udp:127.0.0.1:{port}\",-5]"),
            S("event_subscribe", "[\"E_CORE_SHM_THRESHOLD\"]"),
            S("event_subscribe", "{\"event\":\"E_CORE_SHM_THRESHOLD\",\"sock\":\"udp:127.0.0.1:{port}\"}"),
            S("subscribers_list", "[\"E_CORE_SHM_THRESHOLD\"]")),
        C("raise_event",
            // A subscription another test ended with expire 0 stays listed until something raises the event.
            Quiet("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\"]"),
            S("raise_event", "[\"E_NO_SUCH_EVENT\"]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\"]"),
            Quiet("event_subscribe", "[\"E_CORE_PROC_AUTO_SCALE\",\"udp:127.0.0.1:{port}\"]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\"]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\",{\"a\":1}]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\",[1,\"two\"]]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\",\"not json\"]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\",\"{\\\"a\\\":1}\"]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\",\"[1,2]\"]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\",5]"),
            S("raise_event", "{\"event\":\"E_CORE_PROC_AUTO_SCALE\",\"params\":{\"a\":1}}"),
            S("raise_event", "{\"event\":\"E_CORE_PROC_AUTO_SCALE\",\"params\":[\"x\"]}"),
            S("raise_event", "{\"event\":\"E_CORE_PROC_AUTO_SCALE\",\"x\":1}"),
            S("raise_event"),
            S("event_subscribe", "[\"E_CORE_PROC_AUTO_SCALE\",\"udp:127.0.0.1:{port}\",0]"),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\"]"),

            // Two waits: the emulator and the server each take the unsubscription at their own time, which may fall on
            // either side of a second's boundary; 2.2 s later both have dropped the subscriber.
            NextSecond(),
            NextSecond(),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\"]"),
            NextSecond(),
            S("raise_event", "[\"E_CORE_PROC_AUTO_SCALE\"]")),

        // OpenSIPS 4.0 names: module:command, the 3.x names as aliases, bare local names, ambiguous ones
        C4("4.0 module:command names",
            S("core:uptime"), S("core:version"), S("core:pwd"), S("core:which", rules: KnownNames), S("usrloc:dump", rules: Dump),
            S("statistics:get", "[[\"tm:\"]]", Shapes with { ArraysByShape = false }), S("statistics:list", "[[\"usrloc:\"]]"),
            S("evi:list", rules: KnownEvents), S("cache:fetch", "[\"local\",\"{key}\"]"), S("usrloc:show_contact", "[\"location\",\"alice\"]"),
            S("tm:uac_dlg", "[\"OPTIONS\"]"), S("core:log_level", "{\"level\":\"x\"}")),
        C4("4.0 help", S("help", "[\"core:uptime\"]"), S("help", "[\"usrloc:dump\"]"), S("help", "[\"ul_dump\"]"), S("help", "[\"show_contact\"]"),
            S("help", "[\"events_list\"]"), S("help", "[\"evi:subscribe\"]"), S("help", "[\"cache_store\"]"), S("help", "[\"shm_check\"]"),
            S("help", "[\"get\"]"), S("help", "[\"domain_dump\"]"), S("core:help", "[\"tm:uac_dlg\"]")),
        // (not "dump": the real server also loads db_text and domain, which export one too)
        C4("4.0 bare names", S("rm_contact", "[\"location\",\"{aor}\",\"sip:x@127.0.0.1\"]"), S("show_contact", "[\"location\",\"bob\"]"), S("uac_dlg", "[\"OPTIONS\"]"), S("subscribers")),
        C4("4.0 ambiguous names", S("get"), S("get", "[[\"tm:\"]]"), S("reset")),
        C4("4.0 unknown names", S("domain_dump"), S("core:nope"), S("nope:uptime"), S("usrloc:"), S(":uptime"), S("core:ul_dump"), S("usrloc:uptime")),

        // tm
        C("t_uac_dlg params",
            S("t_uac_dlg", "[\"OPTIONS\",\"sip:x@127.0.0.1:9\",\"From: <sip:a@b>;tag=1\\r\\nTo: <sip:x@127.0.0.1>\\r\\n\"]"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\"}"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:x@127.0.0.1:9\",\"hdrs\":\"x\"}")),
        C("t_uac_dlg refused",
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"not a uri\",\"headers\":\"From: <sip:a@b>;tag=1\\r\\nTo: <sip:x@127.0.0.1>\\r\\n\"}"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:x@127.0.0.1:9\",\"next_hop\":\"nonsense\",\"headers\":\"From: <sip:a@b>;tag=1\\r\\nTo: <sip:x@127.0.0.1>\\r\\n\"}"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:x@127.0.0.1:9\",\"socket\":\"udp:10.255.255.1:5\",\"headers\":\"From: <sip:a@b>;tag=1\\r\\nTo: <sip:x@127.0.0.1>\\r\\n\"}"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:x@127.0.0.1:9\",\"headers\":\"To: <sip:x@127.0.0.1>\\r\\n\"}"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:x@127.0.0.1:9\",\"headers\":\"From: <sip:a@b>;tag=1\\r\\n\"}"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:x@127.0.0.1:9\",\"headers\":\"From: <sip:a@b>;tag=1\\r\\nTo: <sip:x@127.0.0.1>\"}"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:x@127.0.0.1:9\",\"headers\":\"From: <sip:a@b>;tag=1\\r\\nTo: <sip:x@127.0.0.1>\\r\\nCSeq: 1 INVITE\\r\\n\"}"),
            S("t_uac_dlg", "{\"method\":\"MESSAGE\",\"ruri\":\"sip:x@127.0.0.1:9\",\"headers\":\"From: <sip:a@b>;tag=1\\r\\nTo: <sip:x@127.0.0.1>\\r\\n\",\"body\":\"hi\"}"),
            S("t_uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:x@127.0.0.1:9\",\"headers\":\"From: <sip:a@b>;tag=1\\r\\nTo: <sip:x@127.0.0.1>\\r\\nContent-Length: 0\\r\\n\"}")),
    ];

    /// <summary>The case names, for a theory.</summary>
    public static IEnumerable<string> Names(int major) => All.Where(c => c.Majors is null || c.Majors.Contains(major)).Select(c => c.Name);

    public static ShapeCase Get(string name) => All.Single(c => c.Name == name);
}
