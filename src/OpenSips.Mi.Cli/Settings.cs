using System.Globalization;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli;

/// <summary>Output formats.</summary>
internal enum OutputFormat
{
    Json,
    Pretty,
    Table,
}

/// <summary>The global options as parsed from the command line.</summary>
internal sealed record GlobalOptions(
    IReadOnlyList<string> Urls,
    string? TargetsFile,
    double? TimeoutSeconds,
    OutputFormat? Output,
    bool Json,
    string? ConfigPath,
    bool Emulated,
    string? Transport = null);

/// <summary>Where to send the command and with which timeout, after applying the precedence rules.</summary>
internal sealed record ResolvedTargets(IReadOnlyList<string> Urls, TimeSpan? Timeout, string Source);

/// <summary>
/// Resolves targets: <c>--url</c>/<c>--targets</c>, then <c>OPENSIPS_MI_URL</c>, then the config file (<c>--config</c>,
/// <c>OPENSIPS_MI_CONFIG</c>, <c>$XDG_CONFIG_HOME/opensips-mi/config.json</c>, <c>~/.config/opensips-mi/config.json</c>),
/// then OpenSIPS's mi_http default. The timeout: <c>--timeout</c>, then <c>OPENSIPS_MI_TIMEOUT</c>, then the config file.
/// </summary>
internal static class Settings
{
    public const string DefaultUrl = "http://127.0.0.1:8888/mi";
    public const string UrlVariable = "OPENSIPS_MI_URL";
    public const string ConfigVariable = "OPENSIPS_MI_CONFIG";
    public const string TimeoutVariable = "OPENSIPS_MI_TIMEOUT";

    public static ResolvedTargets Resolve(GlobalOptions options, CliEnvironment env)
    {
        var config = LoadConfig(options.ConfigPath, env);
        var timeout = ResolveTimeout(options, env, config);

        var urls = new List<string>();
        foreach (var url in options.Urls)
        {
            AddUrl(urls, url);
        }

        if (options.TargetsFile is { } file)
        {
            foreach (var url in ReadTargetsFile(file))
            {
                AddUrl(urls, url);
            }
        }

        if (urls.Count > 0)
        {
            return new(urls, timeout, "command line");
        }

        if (env.GetVariable(UrlVariable) is { Length: > 0 } fromEnv)
        {
            return new([fromEnv.Trim()], timeout, UrlVariable);
        }

        if (config is { Urls.Count: > 0 })
        {
            return new(config.Urls, timeout, config.Path);
        }

        return new([DefaultUrl], timeout, "default");
    }

    private static void AddUrl(List<string> urls, string url)
    {
        var trimmed = url.Trim();
        if (trimmed.Length == 0)
        {
            throw new UsageException("--url needs a URI such as udp://127.0.0.1:8809 or http://127.0.0.1:8888/mi");
        }

        if (!urls.Contains(trimmed, StringComparer.Ordinal))
        {
            urls.Add(trimmed);
        }
    }

    private static IEnumerable<string> ReadTargetsFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the targets file '{path}': {ex.Message}");
        }

        var any = false;
        foreach (var line in lines)
        {
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            any = true;
            yield return text;
        }

        if (!any)
        {
            throw new UsageException($"the targets file '{path}' lists no URI (one URI a line; blank lines and '#' comments are skipped)");
        }
    }

    private static TimeSpan? ResolveTimeout(GlobalOptions options, CliEnvironment env, ConfigFile? config)
    {
        if (options.TimeoutSeconds is { } seconds)
        {
            return ToTimeout(seconds, "--timeout");
        }

        if (env.GetVariable(TimeoutVariable) is { Length: > 0 } text)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fromEnv))
            {
                throw new UsageException($"{TimeoutVariable}='{text}' is not a number of seconds");
            }

            return ToTimeout(fromEnv, TimeoutVariable);
        }

        return config?.TimeoutSeconds is { } fromConfig ? ToTimeout(fromConfig, $"\"timeout\" in {config.Path}") : null;
    }

    private static TimeSpan ToTimeout(double seconds, string source) =>
        double.IsFinite(seconds) && seconds > 0 && seconds <= 86400
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException(TimeoutError(source, seconds));

    /// <summary>The message for a timeout outside (0, 86400] seconds, wherever it came from.</summary>
    public static string TimeoutError(string source, double seconds) =>
        $"{source} must be a number of seconds above 0 (and at most 86400), not {seconds.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The config file's path: <c>--config</c>, <c>OPENSIPS_MI_CONFIG</c>, then the per-user default.</summary>
    public static (string? Path, bool Explicit) ConfigPath(string? flag, CliEnvironment env)
    {
        if (!string.IsNullOrEmpty(flag))
        {
            return (flag, true);
        }

        if (env.GetVariable(ConfigVariable) is { Length: > 0 } fromEnv)
        {
            return (fromEnv, true);
        }

        if (env.GetVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg)
        {
            return (Path.Combine(xdg, "opensips-mi", "config.json"), false);
        }

        return env.HomeDirectory is { } home ? (Path.Combine(home, ".config", "opensips-mi", "config.json"), false) : (null, false);
    }

    private static ConfigFile? LoadConfig(string? flag, CliEnvironment env)
    {
        var (path, isExplicit) = ConfigPath(flag, env);
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            return isExplicit ? throw new UsageException($"the config file '{path}' does not exist") : null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"the config file '{path}' must hold a JSON object such as {{\"url\":\"udp://127.0.0.1:8809\",\"timeout\":5}}");
            }

            var urls = new List<string>();
            double? timeout = null;
            foreach (var member in root.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "url" when member.Value.ValueKind == JsonValueKind.String:
                        urls.Add(member.Value.GetString()!);
                        break;
                    case "url" when member.Value.ValueKind == JsonValueKind.Array && member.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                        urls.AddRange(member.Value.EnumerateArray().Select(e => e.GetString()!));
                        break;
                    case "timeout" when member.Value.ValueKind == JsonValueKind.Number:
                        timeout = member.Value.GetDouble();
                        break;
                    case "url":
                    case "timeout":
                        throw new UsageException($"in the config file '{path}', \"{member.Name}\" must be {(member.Name == "url" ? "a URI string or an array of them" : "a number of seconds")}");
                    default:
                        break;
                }
            }

            return new ConfigFile(path, urls, timeout);
        }
        catch (JsonException ex)
        {
            throw new UsageException($"the config file '{path}' is not valid JSON: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the config file '{path}': {ex.Message}");
        }
    }

    private sealed record ConfigFile(string Path, IReadOnlyList<string> Urls, double? TimeoutSeconds);
}
