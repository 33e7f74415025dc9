using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>The page, its script and its style sheet, embedded in the tool (nothing is fetched from elsewhere at run time).</summary>
internal static class DashboardAssets
{
    private static readonly ConcurrentDictionary<string, byte[]> Cache = new(StringComparer.Ordinal);

    public static byte[] Bytes(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("dashboard/" + n)
            ?? throw new InvalidOperationException($"the dashboard asset '{n}' is not embedded in the tool");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IResult Result(string name) => Results.Bytes(Bytes(name), ContentType(name));

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
