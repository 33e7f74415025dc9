using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Dynamic;

public sealed class DynamicSurfaceTests
{
    private static readonly string[] Groups = ["dialog:", "tm:"];
    private static readonly int[] DestinationAndStatus = [1, 0];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<FakeRequest> SendAsync(Func<dynamic, Task<MiResponse>> call, string result = "\"OK\"")
    {
        await using var server = FakeMiServer.Answering(result);
        await using var client = server.Connect();
        var response = await call(client.AsDynamic());
        Assert.True(response.IsSuccess);
        return server.Single;
    }

    private static void AssertSent(FakeRequest request, string method, string? paramsJson) =>
        Assert.Equal(request.Expected(method, paramsJson), request.Text);

    [Fact]
    public async Task Call_without_arguments_sends_no_params_member()
    {
        var request = await SendAsync(mi => mi.uptime());
        AssertSent(request, "uptime", null);
    }

    [Fact]
    public async Task Positional_arguments_become_a_json_array()
    {
        var request = await SendAsync(mi => mi.ul_show_contact("location", "alice"));
        AssertSent(request, "ul_show_contact", "[\"location\",\"alice\"]");
    }

    [Fact]
    public async Task Pascal_case_member_names_map_to_snake_case_commands()
    {
        var request = await SendAsync(mi => mi.UlShowContact("location", "alice"));
        AssertSent(request, "ul_show_contact", "[\"location\",\"alice\"]");
    }

    [Fact]
    public async Task Anonymous_object_argument_becomes_named_params()
    {
        var request = await SendAsync(mi => mi.log_level(new { level = 3, pid = 1 }));
        AssertSent(request, "log_level", "{\"level\":3,\"pid\":1}");
    }

    [Fact]
    public async Task Dictionary_argument_becomes_named_params()
    {
        var request = await SendAsync(mi => mi.log_level(new Dictionary<string, object?> { ["level"] = 3, ["pid"] = 1 }));
        AssertSent(request, "log_level", "{\"level\":3,\"pid\":1}");
    }

    [Fact]
    public async Task Csharp_named_arguments_become_named_params()
    {
        var request = await SendAsync(mi => mi.log_level(level: 3, pid: 1));
        AssertSent(request, "log_level", "{\"level\":3,\"pid\":1}");
    }

    [Fact]
    public async Task Camel_case_named_arguments_map_to_snake_case_names()
    {
        var request = await SendAsync(mi => mi.ul_show_contact(tableName: "location", aor: "alice"));
        AssertSent(request, "ul_show_contact", "{\"table_name\":\"location\",\"aor\":\"alice\"}");
    }

    [Fact]
    public async Task Array_param_command_packs_trailing_arguments_into_one_array()
    {
        var request = await SendAsync(mi => mi.get_statistics("dialog:", "tm:"));
        AssertSent(request, "get_statistics", "[[\"dialog:\",\"tm:\"]]");
    }

    [Fact]
    public async Task Array_param_command_keeps_one_array_argument_as_the_array()
    {
        var request = await SendAsync(mi => mi.get_statistics(Groups));
        AssertSent(request, "get_statistics", "[[\"dialog:\",\"tm:\"]]");
    }

    [Fact]
    public async Task Array_param_command_wraps_a_single_name()
    {
        var request = await SendAsync(mi => mi.GetStatistics("all"));
        AssertSent(request, "get_statistics", "[[\"all\"]]");
    }

    [Fact]
    public async Task Single_list_argument_of_other_commands_spreads_into_positional_params()
    {
        var request = await SendAsync(mi => mi.lb_status(DestinationAndStatus));
        AssertSent(request, "lb_status", "[1,0]");
    }

    [Fact]
    public async Task MiValue_array_argument_stays_one_parameter()
    {
        var request = await SendAsync(mi => mi.some_cmd(MiValue.Array(1, 2)));
        AssertSent(request, "some_cmd", "[[1,2]]");
    }

    [Fact]
    public async Task Explicit_name_reaches_opensips4_module_names_verbatim()
    {
        var request = await SendAsync(mi => mi.Call("tm:uac_dlg", new { method = "OPTIONS", ruri = "sip:a@b", headers = "From: sip:x@y\r\nTo: sip:a@b\r\n" }));
        AssertSent(request, "tm:uac_dlg", "{\"method\":\"OPTIONS\",\"ruri\":\"sip:a@b\",\"headers\":\"From: sip:x@y\\r\\nTo: sip:a@b\\r\\n\"}");
    }

    [Fact]
    public async Task Explicit_name_with_positional_arguments()
    {
        var request = await SendAsync(mi => mi.Call("ul_show_contact", "location", "alice"));
        AssertSent(request, "ul_show_contact", "[\"location\",\"alice\"]");
    }

    [Fact]
    public async Task Null_and_boolean_arguments_are_sent_as_json_literals()
    {
        var request = await SendAsync(mi => mi.any_cmd(null, true, 5L));
        AssertSent(request, "any_cmd", "[null,true,5]");
    }

    [Fact]
    public async Task Result_is_the_same_MiResponse_as_CommandAsync()
    {
        await using var server = FakeMiServer.Answering("{\"Now\":\"Thu Nov 26 16:28:24 2026\",\"Up since\":\"Thu Nov 26 16:28:17 2026\",\"Up time\":\"7 [sec]\"}");
        await using var client = server.Connect();
        dynamic mi = client.AsDynamic();
        MiResponse response = await mi.uptime();
        Assert.Equal("uptime", response.Method);
        Assert.Equal("7 [sec]", response.GetResult().GetProperty("Up time").GetString());
    }

    [Fact]
    public async Task Mi_error_is_returned_not_thrown()
    {
        await using var server = FakeMiServer.Start(_ => FakeMiServer.Error(404, "AOR not found"));
        await using var client = server.Connect();
        dynamic mi = client.AsDynamic();
        MiResponse response = await mi.ul_show_contact("location", "nobody");
        Assert.False(response.IsSuccess);
        Assert.Equal(404, response.Error!.Code);
    }

    [Fact]
    public async Task Mixing_positional_and_named_arguments_is_a_clear_error()
    {
        await using var server = FakeMiServer.Answering("\"OK\"");
        await using var client = server.Connect();
        dynamic mi = client.AsDynamic();
        var error = Assert.Throws<ArgumentException>(() => { _ = mi.log_level(3, pid: 1); });
        Assert.Contains("positional", error.Message, StringComparison.Ordinal);
        Assert.Contains("named", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Named_cancellation_token_cancels_the_call()
    {
        await using var server = FakeMiServer.Start(_ => null);
        await using var client = server.Connect();
        dynamic mi = client.AsDynamic();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Task<MiResponse> call = mi.uptime(cancellationToken: cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task Trailing_cancellation_token_is_the_token_not_a_parameter()
    {
        await using var server = FakeMiServer.Answering("\"OK\"");
        await using var client = server.Connect();
        dynamic mi = client.AsDynamic();
        await (Task<MiResponse>)mi.ul_show_contact("location", "alice", Ct);
        AssertSent(server.Single, "ul_show_contact", "[\"location\",\"alice\"]");
    }

    [Fact]
    public async Task Named_timeout_bounds_the_call()
    {
        await using var server = FakeMiServer.Start(_ => null);
        await using var client = server.Connect(TimeSpan.FromSeconds(30));
        dynamic mi = client.AsDynamic();
        Task<MiResponse> call = mi.uptime(timeout: TimeSpan.FromMilliseconds(150));
        await Assert.ThrowsAsync<MiTimeoutException>(() => call).WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Unsupported_argument_type_names_the_problem()
    {
        await using var server = FakeMiServer.Answering("\"OK\"");
        await using var client = server.Connect();
        dynamic mi = client.AsDynamic();
        var error = Assert.Throws<ArgumentException>(() => { _ = mi.any_cmd(Guid.NewGuid()); });
        Assert.Contains("any_cmd", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("uptime", "uptime")]
    [InlineData("ul_show_contact", "ul_show_contact")]
    [InlineData("UlShowContact", "ul_show_contact")]
    [InlineData("Uptime", "uptime")]
    [InlineData("TUacDlg", "t_uac_dlg")]
    [InlineData("GetStatistics", "get_statistics")]
    [InlineData("ULDump", "ul_dump")]
    [InlineData("MemPkgDump", "mem_pkg_dump")]
    public void Member_names_map_to_commands(string member, string command) =>
        Assert.Equal(command, MiCommandNames.ToCommandName(member));

    [Theory]
    [InlineData("level", "level")]
    [InlineData("table_name", "table_name")]
    [InlineData("tableName", "table_name")]
    [InlineData("DID", "DID")]
    [InlineData("fromTag", "from_tag")]
    public void Argument_names_map_to_parameter_names(string argument, string parameter) =>
        Assert.Equal(parameter, MiCommandNames.ToParameterName(argument));
}
