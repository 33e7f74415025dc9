using System.Text.Json;

namespace OpenSips.Mi.Cli.Tests;

public sealed class TargetsTests : IAsyncLifetime
{
    private readonly FakeMiServer _a = new("a");
    private readonly FakeMiServer _b = new("b");
    private readonly FakeMiServer _c = new("c");
    private readonly string _dir = Directory.CreateTempSubdirectory("opensips-mi-cli-").FullName;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _c.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<string> ServerNameAsync(string[] args, IDictionary<string, string?> env)
    {
        var run = await CliRun.RunAsync([.. args, "-o", "json", "version"], env);
        Assert.True(run.ExitCode == 0, run.Error);
        using var doc = JsonDocument.Parse(run.Out);
        return doc.RootElement.GetProperty("Name").GetString()!;
    }

    [Fact]
    public async Task Several_urls_give_one_json_object_keyed_by_target()
    {
        var run = await CliRun.RunAsync("-u", _a.Url, "-u", _b.Url, "-o", "json", "version");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.Out.TrimEnd('\n').Split('\n'));
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal("a", doc.RootElement.GetProperty(_a.Url).GetProperty("Name").GetString());
        Assert.Equal("b", doc.RootElement.GetProperty(_b.Url).GetProperty("Name").GetString());
    }

    [Fact]
    public async Task The_exit_code_is_the_worst_and_failures_are_reported_per_target()
    {
        var run = await CliRun.RunAsync("-u", _a.Url, "-u", "udp://127.0.0.1:1", "-u", _b.Url, "-o", "json", "ul_show_contact", "location", "x");

        Assert.Equal(3, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(404, doc.RootElement.GetProperty(_a.Url).GetProperty("error").GetProperty("code").GetInt32());
        Assert.StartsWith("cannot reach", doc.RootElement.GetProperty("udp://127.0.0.1:1").GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("udp://127.0.0.1:1: cannot reach OpenSIPS MI", run.Error, StringComparison.Ordinal);
        Assert.Contains(_a.Url + ": error 404: AOR not found", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pretty_output_is_grouped_under_a_heading_per_target()
    {
        var run = await CliRun.RunAsync("-u", _a.Url, "-u", _b.Url, "-o", "pretty", "version");

        var a = run.Out.IndexOf(_a.Url, StringComparison.Ordinal);
        var b = run.Out.IndexOf(_b.Url, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a, run.Out);
        Assert.Contains("\"Name\": \"a\"", run.Out[a..b], StringComparison.Ordinal);
        Assert.Contains("\"Name\": \"b\"", run.Out[b..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_targets_file_adds_one_target_a_line()
    {
        var file = WriteFile("targets.txt", $"# fleet\n{_a.Url}\n\n{_b.Url}\n");

        var run = await CliRun.RunAsync("--targets", file, "-u", _c.Url, "-o", "json", "version");

        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal([_c.Url, _a.Url, _b.Url], doc.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_flag_wins_over_the_environment_which_wins_over_the_config_file()
    {
        var config = WriteFile("config.json", $$"""{"url":"{{_c.Url}}","timeout":2}""");
        var env = new Dictionary<string, string?> { ["OPENSIPS_MI_CONFIG"] = config, ["OPENSIPS_MI_URL"] = _b.Url };

        Assert.Equal("a", await ServerNameAsync(["--url", _a.Url], env));
        Assert.Equal("b", await ServerNameAsync([], env));
        env.Remove("OPENSIPS_MI_URL");
        Assert.Equal("c", await ServerNameAsync([], env));
    }

    [Fact]
    public async Task The_config_flag_overrides_the_config_variable_and_the_home_default()
    {
        var home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(Path.Combine(home, ".config", "opensips-mi"));
        File.WriteAllText(Path.Combine(home, ".config", "opensips-mi", "config.json"), $$"""{"url":"{{_a.Url}}"}""");
        var fromVariable = WriteFile("b.json", $$"""{"url":"{{_b.Url}}"}""");
        var fromFlag = WriteFile("c.json", $$"""{"url":"{{_c.Url}}"}""");
        var env = new Dictionary<string, string?> { ["HOME"] = home };

        Assert.Equal("a", await ServerNameAsync([], env));
        env["OPENSIPS_MI_CONFIG"] = fromVariable;
        Assert.Equal("b", await ServerNameAsync([], env));
        Assert.Equal("c", await ServerNameAsync(["--config", fromFlag], env));
    }

    [Fact]
    public async Task Without_any_setting_the_mi_http_default_is_used()
    {
        var run = await CliRun.RunAsync(["--timeout", "1", "uptime"], new Dictionary<string, string?>());

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("http://127.0.0.1:8888/mi", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_timeout_applies_and_the_flag_overrides_it()
    {
        var config = WriteFile("slow.json", $$"""{"url":"{{_a.Url}}","timeout":0.2}""");
        var env = new Dictionary<string, string?> { ["OPENSIPS_MI_CONFIG"] = config };

        var fromConfig = await CliRun.RunAsync(["silent"], env);
        var fromFlag = await CliRun.RunAsync(["--timeout", "0.4", "silent"], env);

        Assert.Contains("within 0.2 s", fromConfig.Error, StringComparison.Ordinal);
        Assert.Contains("within 0.4 s", fromFlag.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1]")]
    [InlineData("{\"url\":5}")]
    public async Task A_bad_config_file_is_a_usage_error(string text)
    {
        var config = WriteFile("bad.json", text);

        var run = await CliRun.RunAsync(["uptime"], new Dictionary<string, string?> { ["OPENSIPS_MI_CONFIG"] = config });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(config, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_explicit_config_file_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("--config", Path.Combine(_dir, "nope.json"), "uptime");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulated_runs_against_an_in_process_server()
    {
        var factory = new FakeEmulatorFactory();

        var run = await CliRun.RunAsync(["--emulated", "-o", "json", "version"], null, emulator: factory);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"Name\":\"emulated\"", run.Out, StringComparison.Ordinal);
        Assert.NotNull(factory.LastRequest);
    }

    [Fact]
    public async Task Emulated_with_a_url_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("--emulated", "--url", _a.Url, "uptime");

        Assert.Equal(2, run.ExitCode);
    }
}
