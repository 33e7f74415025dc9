using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OpenSips.Mi.Docs.Tests.Snippets;

/// <summary>A reply shape read with System.Text.Json source generation (AOT-safe).</summary>
public sealed record Uptime([property: JsonPropertyName("Up time")] string UpTime, [property: JsonPropertyName("Now")] string Now);

[JsonSerializable(typeof(Uptime))]
public sealed partial class MyJsonContext : JsonSerializerContext;

public static class CommandSnippets
{
    [Runs]
    public static async Task Calling(MiClient mi, CancellationToken cancellationToken)
    {
        #region calling-params
        await mi.CommandAsync("uptime");                                                        // no "params" member at all
        await mi.CommandAsync("ul_show_contact", MiParams.Positional("location", "alice"));      // ["location","alice"]
        await mi.CommandAsync("log_level", MiParams.Named(("level", 3), ("pid", 1234)));         // {"level":3,"pid":1234}
        await mi.CommandAsync("get_statistics", MiParams.Positional(new[] { "dialog:", "tm:" })); // [["dialog:","tm:"]]
        await mi.CommandAsync("log_level", MiParams.FromObject(new { level = 3 }));              // anonymous objects (reflection)
        await mi.CommandAsync("ul_dump", null, TimeSpan.FromSeconds(20), cancellationToken);    // this call's timeout
        await mi.CommandAsync("core:uptime");                                                   // OpenSIPS 4.0 names too
        #endregion
    }

    [Runs]
    public static async Task Responses(MiClient mi)
    {
        #region responses
        MiResponse response = await mi.CommandAsync("log_level", MiParams.Positional("loud"));
        Console.WriteLine(response.IsSuccess);     // False
        Console.WriteLine(response.Error);         // -32602 Invalid params (Bad type for parameter 'level')

        MiResponse ok = await mi.CommandAsync("uptime");
        JsonElement result = ok.GetResult();                           // the result, or MiCommandException
        JsonNode? node = ok.GetResultNode();                            // a mutable copy
        Uptime typed = ok.GetResult(MyJsonContext.Default.Uptime)!;     // source-generated, AOT-safe
        Console.WriteLine($"{result.GetProperty("Now")} {node?["Up since"]} {typed.UpTime}");

        try
        {
            response.EnsureSuccess();
        }
        catch (MiCommandException ex)
        {
            Console.WriteLine($"{ex.Method}: {ex.Code} {ex.Error.Message}");   // log_level: -32602 Invalid params
        }
        #endregion

        Assert.False(response.IsSuccess);
        Assert.Equal(-32602, response.Error!.Code);
    }

    [Runs]
    public static async Task SeedExamples(MiClient client)
    {
        #region dynamic-seed
        // The Ruby gem: opensips.command('which'), opensips.get_statistics('dialog:', 'tm:'), opensips.uptime …
        dynamic opensips = client.AsDynamic();
        MiResponse which = await opensips.which();
        MiResponse stats = await opensips.get_statistics("dialog:", "tm:");   // [["dialog:","tm:"]]
        MiResponse contact = await opensips.ul_show_contact("location", "alice"); // ["location","alice"]
        MiResponse level = await opensips.log_level(level: 3);                  // {"level":3}
        #endregion

        Assert.True(which.IsSuccess && stats.IsSuccess && contact.IsSuccess && level.IsSuccess);
    }

    [Runs]
    public static async Task DynamicRules(MiClient client, CancellationToken ct)
    {
        #region dynamic-rules
        dynamic mi = client.AsDynamic();

        MiResponse up      = await mi.uptime();                                   // {"jsonrpc":"2.0","method":"uptime","id":1}
        MiResponse same    = await mi.UlShowContact("location", "alice");         // PascalCase -> ul_show_contact
        MiResponse named   = await mi.ul_show_contact(tableName: "location", aor: "alice"); // {"table_name":…,"aor":…}
        MiResponse dict    = await mi.log_level(new Dictionary<string, object?> { ["level"] = 3 });
        MiResponse groups  = await mi.get_statistics(new[] { "dialog:", "tm:" }); // [["dialog:","tm:"]]
        MiResponse v4      = await mi.Call("core:uptime");                        // any name, sent verbatim
        MiResponse bounded = await mi.ul_dump(timeout: TimeSpan.FromSeconds(20), cancellationToken: ct);
        #endregion

        Assert.True(up.IsSuccess && same.IsSuccess && named.IsSuccess && dict.IsSuccess && groups.IsSuccess && bounded.IsSuccess);
        Assert.Equal(-32601, v4.Error!.Code);
    }
}
