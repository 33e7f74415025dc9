using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Tests.Support;

/// <summary>Finds the golden OpenSIPS wire captures: the folder with OpenSips.Mi.slnx, then ../shared/opensips-wire.</summary>
internal static class CaptureFiles
{
    private static readonly Lazy<string?> RootPath = new(FindRoot);

    public static string? Root => RootPath.Value;

    public static bool Available => Root is not null;

    public static void RequireAvailable() =>
        Assert.SkipUnless(Available, "The OpenSIPS wire captures (../shared/opensips-wire next to the solution folder) are not present.");

    public static string Text(string relativePath)
    {
        RequireAvailable();
        return File.ReadAllText(Path.Combine(Root!, relativePath), Encoding.UTF8);
    }

    /// <summary>The raw JSON text of the <c>result</c> (or <c>error</c>) member of a captured reply.</summary>
    public static string ReplyMember(string relativePath, out bool isError)
    {
        using var document = JsonDocument.Parse(Text(relativePath));
        isError = document.RootElement.TryGetProperty("error", out var error);
        return isError ? error.GetRawText() : document.RootElement.GetProperty("result").GetRawText();
    }

    /// <summary>The raw JSON text of the <c>result</c> member of a captured successful reply.</summary>
    public static string Result(string relativePath)
    {
        var text = ReplyMember(relativePath, out var isError);
        Assert.False(isError, $"{relativePath} is an error reply");
        return text;
    }

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
            {
                var wire = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "opensips-wire"));
                return Directory.Exists(wire) ? wire : null;
            }
        }

        return null;
    }
}
