using System.Text;

namespace OpenSips.Mi.Tests.Support;

/// <summary>The captured OpenSIPS 3.6.8 bytes in ../shared/opensips-wire beside the repository.</summary>
public static class WireCaptures
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static byte[] ReadBytes(string relativePath) => File.ReadAllBytes(Path.Combine(Root, relativePath));

    public static string ReadText(string relativePath) => Encoding.UTF8.GetString(ReadBytes(relativePath));

    /// <summary>The body of a raw HTTP capture (everything after the first blank line).</summary>
    public static byte[] HttpBody(string relativePath)
    {
        var bytes = ReadBytes(relativePath);
        var index = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        return index < 0 ? [] : bytes[(index + 4)..];
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            throw new InvalidOperationException("Cannot find the repository root (OpenSips.Mi.slnx) above " + AppContext.BaseDirectory);
        }

        var root = Path.Combine(dir.Parent.FullName, "shared", "opensips-wire");
        return Directory.Exists(root) ? root : throw new InvalidOperationException("The wire captures are missing: expected " + root);
    }
}
