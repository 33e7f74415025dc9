using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpenSips.Mi.ServerFixture;

/// <summary>
/// A compiled OpenSIPS of one version, built once per machine by <c>../shared/opensips-server/build.sh</c> (beside the
/// repository, or the folder named by <c>OPENSIPS_SERVER_DIR</c>).
/// </summary>
/// <param name="Version">The version, for example <c>3.6.8</c>.</param>
/// <param name="Binary">The <c>opensips</c> executable.</param>
/// <param name="ModulesDirectory">The folder holding the modules (<c>mpath</c>).</param>
public sealed record OpenSipsInstallation(string Version, string Binary, string ModulesDirectory)
{
    /// <summary>The versions whose source ships beside the repository.</summary>
    public static IReadOnlyList<string> KnownVersions { get; } = ["3.4.18", "3.6.8", "4.0.1"];

    private static readonly string[] LibraryFolders = ["lib64", "lib"];

    private static readonly ConcurrentDictionary<string, Lazy<Task<OpenSipsInstallation>>> Builds = new();

    /// <summary>The major version (3 or 4).</summary>
    public int Major => int.Parse(Version.AsSpan(0, Version.IndexOf('.', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The XML-RPC MI module: <c>mi_xmlrpc_ng</c> on 3.x, renamed <c>mi_xmlrpc</c> on 4.0.</summary>
    public string XmlRpcModule => Major >= 4 ? "mi_xmlrpc" : "mi_xmlrpc_ng";

    /// <summary>
    /// Whether httpd has <c>receive_buf_size</c> (3.6 and later). 3.4's httpd has no such limit: it takes a JSON body
    /// only when it arrives in one piece (libmicrohttpd's first upload callback) and drops the connection otherwise.
    /// </summary>
    public bool HasHttpReceiveBufferSize => !Version.StartsWith("3.4.", StringComparison.Ordinal);

    /// <summary>
    /// Builds (first time on a machine: about 5 minutes on 2 cores) or finds the server. Concurrent callers in this
    /// process share one build; other processes are kept out by a lock file.
    /// </summary>
    /// <param name="version">The version to build.</param>
    /// <returns>The installation.</returns>
    /// <exception cref="OpenSipsUnavailableException">The build script is missing or failed; the message says how to build by hand.</exception>
    public static Task<OpenSipsInstallation> EnsureAsync(string version) =>
        Builds.GetOrAdd(version, v => new Lazy<Task<OpenSipsInstallation>>(() => BuildAsync(v))).Value;

    /// <summary>The folder with <c>build.sh</c> and the source tarballs, or null when it cannot be found.</summary>
    public static string? ServerSourceDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("OPENSIPS_SERVER_DIR") is { Length: > 0 } configured)
            {
                return configured;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "opensips-server"));
                    return Directory.Exists(candidate) ? candidate : null;
                }
            }

            return null;
        }
    }

    private static async Task<OpenSipsInstallation> BuildAsync(string version)
    {
        var source = ServerSourceDirectory;
        var script = source is null ? null : Path.Combine(source, "build.sh");
        if (script is null || !File.Exists(script))
        {
            throw new OpenSipsUnavailableException(
                $"OpenSIPS {version} is needed but its build script was not found: put the shared folder (shared/opensips-server/build.sh) beside the repository or set OPENSIPS_SERVER_DIR.");
        }

        // flock keeps two test processes from compiling into the same folder at once.
        var lockFile = Path.Combine(Path.GetTempPath(), $"opensips-mi-build-{version}.lock");
        var start = new ProcessStartInfo("flock")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { lockFile, "bash", script, version })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new OpenSipsUnavailableException("could not start the OpenSIPS build script");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new OpenSipsUnavailableException($"building OpenSIPS {version} took over 30 minutes; run `bash {script} {version}` by hand.");
        }

        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        var binary = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (process.ExitCode != 0 || binary is null || !File.Exists(binary))
        {
            var tail = string.Join('\n', errors.Split('\n').TakeLast(15));
            throw new OpenSipsUnavailableException(
                $"building OpenSIPS {version} failed (exit {process.ExitCode}). Build it once with `bash {script} {version}` " +
                $"(needs the build tools gcc make bison flex pkg-config libmicrohttpd-dev libxml2-dev, installed with apt-get as root).\n{tail}");
        }

        var prefix = Path.GetDirectoryName(Path.GetDirectoryName(binary))!;
        var modules = LibraryFolders
            .Select(lib => Path.Combine(prefix, lib, "opensips", "modules"))
            .FirstOrDefault(Directory.Exists)
            ?? throw new OpenSipsUnavailableException($"OpenSIPS {version} at {prefix} has no modules folder; rebuild it with `bash {script} {version}`.");
        return new OpenSipsInstallation(version, binary, modules + Path.DirectorySeparatorChar);
    }
}

/// <summary>A real OpenSIPS could not be built or found on this machine.</summary>
public sealed class OpenSipsUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OpenSipsUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message saying what is missing and how to build it.</summary>
    public OpenSipsUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public OpenSipsUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
