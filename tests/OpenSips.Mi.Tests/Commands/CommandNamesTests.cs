using OpenSips.Mi.Commands;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Commands;

/// <summary>
/// Typed commands on OpenSIPS 3.x and 4.0: the name sent follows the client's <see cref="MiDialect"/>, a -32601 on one
/// name is retried once under the other, and the dialect learned is remembered. The emulator plays a 4.0 server by
/// answering 4.0 names and not the 3.x names 4.0 dropped.
/// </summary>
public sealed class CommandNamesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Domains = "{\"Domains\":[{\"name\":\"example.test\"}]}";

    private static string[] Sent(EmulatorSession s) => s.Emulator.Received.Select(r => r.Method).ToArray();

    [Fact]
    public async Task A_3x_name_4_0_dropped_is_retried_under_its_4_0_name_and_the_client_remembers_4_0()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("domain:dump", MiCommandRecipes.NoParams, Domains);

        var first = await s.Client.DomainDumpAsync(Ct);
        var second = await s.Client.DomainDumpAsync(Ct);

        Assert.Equal("example.test", Assert.Single(first).Name);
        Assert.Equal("example.test", Assert.Single(second).Name);
        Assert.Equal(["domain_dump", "domain:dump", "domain:dump"], Sent(s));
        Assert.Equal(MiDialect.OpenSips4, s.Client.Dialect);
    }

    [Fact]
    public async Task Once_the_dialect_is_4_0_typed_commands_send_their_4_0_names()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("core:uptime", MiCommandRecipes.NoParams, "{\"Now\":\"Mon Nov 30 16:57:28 2026\",\"Up since\":\"Mon Nov 30 16:56:47 2026\",\"Up time\":\"41 [sec]\"}");
        s.Client.Dialect = MiDialect.OpenSips4;

        var uptime = await s.Client.UptimeAsync(Ct);

        Assert.Equal(TimeSpan.FromSeconds(41), uptime.UpTime);
        Assert.Equal(["core:uptime"], Sent(s));
    }

    [Fact]
    public async Task A_4_0_name_refused_is_retried_under_its_3x_name_and_the_client_learns_3x()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Client.Dialect = MiDialect.OpenSips4;

        var uptime = await s.Client.UptimeAsync(Ct);

        Assert.NotNull(uptime.UpTime);
        Assert.Equal(["core:uptime", "uptime"], Sent(s));
        Assert.Equal(MiDialect.OpenSips3, s.Client.Dialect);
    }

    [Fact]
    public async Task A_3x_name_4_0_also_accepts_leaves_the_dialect_unknown()
    {
        await using var s = await EmulatorSession.StartAsync();

        await s.Client.UptimeAsync(Ct);

        Assert.Equal(["uptime"], Sent(s));
        Assert.Equal(MiDialect.Unknown, s.Client.Dialect);
    }

    [Fact]
    public async Task A_3x_name_only_3x_accepts_proves_3x()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("domain_dump", MiCommandRecipes.NoParams, Domains);

        await s.Client.DomainDumpAsync(Ct);

        Assert.Equal(["domain_dump"], Sent(s));
        Assert.Equal(MiDialect.OpenSips3, s.Client.Dialect);
    }

    [Fact]
    public async Task A_command_neither_name_reaches_fails_under_the_name_of_the_assumed_dialect()
    {
        await using var s = await EmulatorSession.StartAsync();

        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.DomainDumpAsync(Ct));

        Assert.Equal(-32601, error.Code);
        Assert.Equal("domain_dump", error.Method);
        Assert.Equal(["domain_dump", "domain:dump"], Sent(s));
        Assert.Equal(MiDialect.Unknown, s.Client.Dialect);
    }

    [Fact]
    public async Task Other_errors_are_not_retried()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.Handle("domain_dump", MiCommandRecipes.NoParams, _ => MiEmulatorReply.Error(500, "DB is disabled (db_mode=0)"));

        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.DomainDumpAsync(Ct));

        Assert.Equal(500, error.Code);
        Assert.Equal(["domain_dump"], Sent(s));
    }

    [Fact]
    public async Task Version_teaches_the_client_its_dialect()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("version", MiCommandRecipes.NoParams, "{\"Server\":\"OpenSIPS (4.0.1 (x86_64/linux))\"}");

        var version = await s.Client.VersionAsync(Ct);

        Assert.Equal(new Version(4, 0, 1), version.Version);
        Assert.Equal(MiDialect.OpenSips4, s.Client.Dialect);
    }

    [Theory]
    [InlineData("[\"core:uptime\",\"usrloc:dump\"]", MiDialect.OpenSips4)]
    [InlineData("[\"uptime\",\"ul_dump\"]", MiDialect.OpenSips3)]
    public async Task Which_teaches_the_client_its_dialect(string names, MiDialect expected)
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("which", null, names);

        await s.Client.WhichAsync(Ct);

        Assert.Equal(expected, s.Client.Dialect);
    }

    [Fact]
    public async Task Which_for_a_3x_name_4_0_dropped_asks_again_under_the_4_0_name()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.Handle("which", DocumentedRecipes.Of([], ["command"]), r =>
            r.Params?[0]?.GetValue<string>() == "domain:dump" ? MiEmulatorReply.Result(System.Text.Json.Nodes.JsonNode.Parse("[[]]")) : MiEmulatorReply.Error(404, "unknown MI command"));

        var recipes = await s.Client.WhichAsync("domain_dump", Ct);

        Assert.Equal([[]], recipes.Select(r => r.ToArray()).ToArray());
        Assert.Equal(["[\"domain_dump\"]", "[\"domain:dump\"]"], s.Emulator.Received.Select(r => r.Params!.ToJsonString()).ToArray());
        Assert.Equal(MiDialect.OpenSips4, s.Client.Dialect);
    }

    [Fact]
    public async Task Shm_check_answered_with_a_null_handler_result_means_no_check()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.Handle("shm_check", MiCommandRecipes.NoParams, _ => MiEmulatorReply.Error(-32000, "Server error", "Command handler returned null"));

        var check = await s.Client.ShmCheckAsync(Ct);

        Assert.Null(check.TotalFragments);
    }

    [Fact]
    public async Task The_dynamic_surface_follows_the_dialect_but_call_sends_a_name_verbatim()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("domain:dump", MiCommandRecipes.NoParams, Domains);
        dynamic mi = s.Client.AsDynamic();

        MiResponse routed = await mi.domain_dump();
        MiResponse verbatim = await mi.Call("domain_dump");

        Assert.Equal("domain:dump", routed.Method);
        Assert.True(routed.IsSuccess);
        Assert.Equal(-32601, verbatim.Error?.Code);
        Assert.Equal(["domain_dump", "domain:dump", "domain_dump"], Sent(s));
    }

    [Fact]
    public void An_unsupported_dialect_value_is_refused()
    {
        var client = MiClient.Connect("udp://127.0.0.1:9");

        Assert.Throws<ArgumentOutOfRangeException>(() => client.Dialect = (MiDialect)5);
    }
}
