using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing.Tests;

/// <summary>The captures of a real OpenSIPS 3.6.8 in ../shared/opensips-wire next to the repository.</summary>
internal static class WireData
{
    private static readonly Lazy<string> Root = new(Locate);

    private static readonly HashSet<string> VaryingKeys = ["Now", "Up since", "Up time", "Expires", "PID", "ContactID"];

    public static string Folder(string transport) => Path.Combine(Root.Value, transport);

    public static byte[] Bytes(string transport, string file) => File.ReadAllBytes(Path.Combine(Folder(transport), file));

    public static bool Exists(string transport, string file) => File.Exists(Path.Combine(Folder(transport), file));

    public static JsonArray Manifest(string transport)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder(transport), "manifest.json")));
        return node as JsonArray ?? (JsonArray)node!["cases"]!;
    }

    /// <summary>Replaces what changes between runs (times, expiries, statistic values) so replies compare structurally.</summary>
    public static string Normalize(ReadOnlySpan<byte> reply)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(reply);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(reply);
        }

        Scrub(node);
        return node!.ToJsonString();
    }

    private static void Scrub(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (VaryingKeys.Contains(key) || key.Contains(':', StringComparison.Ordinal) && obj[key] is JsonValue)
                    {
                        obj[key] = "*";
                    }
                    else
                    {
                        Scrub(obj[key]);
                    }
                }

                break;
            case JsonArray arr:
                foreach (var item in arr)
                {
                    Scrub(item);
                }

                break;
        }
    }

    private static string Locate()
    {
        var env = Environment.GetEnvironmentVariable("OPENSIPS_WIRE_DIR");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("OpenSips.Mi.slnx not found above " + AppContext.BaseDirectory);
        }

        var wire = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "opensips-wire"));
        return Directory.Exists(wire) ? wire : throw new InvalidOperationException("wire captures not found at " + wire);
    }
}
