namespace OpenSips.Mi.Docs.Tests.Checks;

/// <summary>The checkout the tests run from: the folder holding OpenSips.Mi.slnx.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>README.md, CONTRIBUTING.md and every docs/*.md, as paths relative to the root (new pages are picked up automatically).</summary>
    public static IReadOnlyList<string> MarkdownPages()
    {
        var pages = new List<string> { "README.md", "CONTRIBUTING.md" };
        var docs = Path.Combine(Root, "docs");
        if (Directory.Exists(docs))
        {
            pages.AddRange(Directory.EnumerateFiles(docs, "*.md", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
                .Order(StringComparer.Ordinal));
        }

        return [.. pages.Where(p => File.Exists(Path.Combine(Root, p)))];
    }

    public static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OpenSips.Mi.slnx not found above " + AppContext.BaseDirectory);
    }
}
