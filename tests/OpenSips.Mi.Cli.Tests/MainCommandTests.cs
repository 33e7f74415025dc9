namespace OpenSips.Mi.Cli.Tests;

public sealed class MainCommandTests : IAsyncLifetime
{
    private readonly FakeMiServer _server = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Json_output_is_exactly_the_compact_result_on_one_line()
    {
        var run = await CliRun.RunAsync("--url", _server.Url, "-o", "json", "uptime");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("{\"Now\":\"Thu Nov 26 16:28:24 2026\",\"Up since\":\"Thu Nov 26 16:28:17 2026\",\"Up time\":\"93784 [sec]\"}\n", run.Out);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public async Task Json_is_the_default_when_stdout_is_not_a_terminal()
    {
        var run = await CliRun.RunAsync("--url", _server.Url, "version");

        Assert.Equal("{\"Server\":\"OpenSIPS (3.6.8 (x86_64/linux))\",\"Name\":\"proxy\"}\n", run.Out);
    }

    [Fact]
    public async Task Pretty_is_the_default_on_a_terminal_and_is_indented()
    {
        var run = await CliRun.RunAsync(["--url", _server.Url, "ps"], null, terminal: true);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("{\n  \"Processes\": [\n    {\n      \"ID\": 0,\n      \"PID\": 22393,\n      \"Type\": \"attendant\"\n    },", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Table_output_lays_out_a_list_of_objects()
    {
        var run = await CliRun.RunAsync("--url", _server.Url, "-o", "table", "ps");

        Assert.Equal(0, run.ExitCode);
        var header = run.Out.Split('\n').Single(l => l.Contains("PID", StringComparison.Ordinal));
        Assert.Contains("ID", header, StringComparison.Ordinal);
        Assert.Contains("Type", header, StringComparison.Ordinal);
        Assert.Contains("HTTPD 127.0.0.1:8888", run.Out, StringComparison.Ordinal);
        Assert.Contains("Processes", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Table_output_of_a_flat_object_is_name_value_rows()
    {
        var run = await CliRun.RunAsync("--url", _server.Url, "-o", "table", "get_statistics", "dialog:");

        var row = run.Out.Split('\n').Single(l => l.Contains("dialog:active_dialogs", StringComparison.Ordinal));
        Assert.EndsWith("3 │", row.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_MI_error_exits_1_with_code_message_on_stderr()
    {
        var run = await CliRun.RunAsync("--url", _server.Url, "ul_show_contact", "location", "carol");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Out);
        Assert.Equal("error 404: AOR not found\n", run.Error);
    }

    [Fact]
    public async Task An_MI_error_with_data_prints_the_data_in_parentheses()
    {
        var run = await CliRun.RunAsync("--url", _server.Url, "log_level", "1", "2");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error -32602: Invalid params (Too few or too many parameters)\n", run.Error);
    }

    [Fact]
    public async Task Nothing_listening_exits_3_with_one_line_and_no_stack_trace()
    {
        var run = await CliRun.RunAsync("--url", "http://127.0.0.1:1/mi", "uptime");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("cannot reach OpenSIPS MI at http://127.0.0.1:1/mi: connection refused", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_exits_3()
    {
        var run = await CliRun.RunAsync("--url", _server.Url, "--timeout", "0.3", "silent");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("No reply to MI command 'silent' from " + _server.Url + " within 0.3 s", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo", "a=1", "b")]
    [InlineData("--bogus", "uptime")]
    [InlineData("-o", "yaml", "uptime")]
    [InlineData("--timeout", "0", "uptime")]
    [InlineData("-j", "echo", "{nope")]
    [InlineData("--url", "gopher://x", "uptime")]
    public async Task Usage_errors_exit_2_and_send_nothing(params string[] args)
    {
        var run = await CliRun.RunAsync(["--url", _server.Url, .. args], null);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("opensips-mi: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Global_options_may_follow_the_command()
    {
        var run = await CliRun.RunAsync("uptime", "--url", _server.Url, "-o", "table");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("93784 [sec]", run.Out, StringComparison.Ordinal);
        Assert.Contains("│", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_command_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("--url", _server.Url);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no MI command given", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_exit_codes_and_the_precedence()
    {
        var run = await CliRun.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("3  transport error or timeout", run.Out, StringComparison.Ordinal);
        Assert.Contains("OPENSIPS_MI_URL", run.Out, StringComparison.Ordinal);
        Assert.Contains("stats", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "get_statistics", "dialog:", "tm:" }, "[[\"dialog:\",\"tm:\"]]")]
    [InlineData(new[] { "get_statistics", "all" }, "[[\"all\"]]")]
    [InlineData(new[] { "get_statistics", "statistics=dialog:", "statistics=tm:" }, "{\"statistics\":[\"dialog:\",\"tm:\"]}")]
    [InlineData(new[] { "-j", "get_statistics", "\"dialog:\"", "\"tm:\"" }, "[[\"dialog:\",\"tm:\"]]")]
    [InlineData(new[] { "-j", "get_statistics", "[[\"core:\"]]" }, "[[\"core:\"]]")]
    [InlineData(new[] { "echo", "location", "alice" }, "[\"location\",\"alice\"]")]
    [InlineData(new[] { "echo", "level=3", "pid=12" }, "{\"level\":\"3\",\"pid\":\"12\"}")]
    [InlineData(new[] { "echo", "-1" }, "[\"-1\"]")]
    [InlineData(new[] { "--json", "echo", "level=3", "name=\"x\"" }, "{\"level\":3,\"name\":\"x\"}")]
    [InlineData(new[] { "--json", "echo", "3", "true", "null" }, "[3,true,null]")]
    [InlineData(new[] { "-j", "echo", "{\"level\":2,\"pid\":7}" }, "{\"level\":2,\"pid\":7}")]
    [InlineData(new[] { "-j", "echo", "\"a=b\"" }, "[\"a=b\"]")]
    [InlineData(new[] { "echo" }, "")]
    [InlineData(new[] { "echo", "stats", "top" }, "[\"stats\",\"top\"]")]
    [InlineData(new[] { "echo", "-1", "--", "-o" }, "[\"-1\",\"-o\"]")]
    public async Task Arguments_become_the_expected_params(string[] args, string expectedParams)
    {
        var run = await CliRun.RunAsync(["--url", _server.Url, "-o", "json", .. args], null);

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        Assert.Equal(expectedParams, _server.LastParams);
    }
}
