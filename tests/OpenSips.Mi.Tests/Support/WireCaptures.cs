using System.Text;

namespace OpenSips.Mi.Tests;

/// <summary>The bytes captured from a real OpenSIPS 3.6.8 (<c>shared/opensips-wire</c>, beside the clone).</summary>
internal static class WireCaptures
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding <c>README.md</c> and one folder per transport.</summary>
    public static string Root => LazyRoot.Value;

    public static byte[] ReadBytes(string relativePath) => File.ReadAllBytes(Path.Combine(Root, relativePath));

    public static string ReadText(string relativePath) => Encoding.UTF8.GetString(ReadBytes(relativePath));

    /// <summary>The body of a raw HTTP message: everything after the first blank line.</summary>
    public static byte[] HttpBody(string relativePath)
    {
        var bytes = ReadBytes(relativePath);
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidDataException($"{relativePath} has no blank line after its headers.");
        }

        return bytes[(end + 4)..];
    }

    /// <summary>Names of the files in a capture folder ending with <paramref name="suffix"/>, without the suffix.</summary>
    public static IEnumerable<string> Cases(string folder, string suffix) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*" + suffix)
            .Select(path => Path.GetFileName(path)[..^suffix.Length])
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
            {
                var root = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "opensips-wire"));
                return Directory.Exists(root)
                    ? root
                    : throw new DirectoryNotFoundException($"The wire captures are expected at {root} (shared/ beside the clone).");
            }
        }

        throw new DirectoryNotFoundException($"No OpenSips.Mi.slnx above {AppContext.BaseDirectory}.");
    }
}
