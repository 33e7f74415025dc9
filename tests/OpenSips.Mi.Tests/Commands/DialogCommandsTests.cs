using OpenSips.Mi.Commands;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Commands;

/// <summary>Dialog replies are documented shapes (modules/dialog/dlg_hash.c, dlg_profile.c in OpenSIPS 3.6.8), not captures.</summary>
public sealed class DialogCommandsTests
{
    private const string DialogJson =
        "{\"ID\":\"3137082829\",\"db_id\":\"1245456172654\",\"state\":4,\"user_flags\":\"\",\"timestart\":1764174504,\"datestart\":\"2026-11-26 16:28:24\"," +
        "\"timeout\":1764178104,\"dateout\":\"2026-11-26 17:28:24\",\"callid\":\"abc@10.0.0.1\",\"from_uri\":\"sip:alice@example.com\",\"to_uri\":\"sip:bob@example.com\"," +
        "\"caller_tag\":\"ftag1\",\"caller_contact\":\"sip:alice@10.0.0.1:5060\",\"callee_cseq\":\"1\",\"caller_route_set\":\"\",\"caller_bind_addr\":\"udp:10.0.0.254:5060\"," +
        "\"CALLEES\":[{\"callee_tag\":\"ttag1\",\"callee_contact\":\"sip:bob@10.0.0.2:5060\",\"caller_cseq\":\"2\",\"callee_route_set\":\"\",\"callee_bind_addr\":\"udp:10.0.0.254:5060\"}]}";

    private const string DialogCtxJson =
        "{\"ID\":\"1\",\"state\":2,\"timestart\":0,\"timeout\":0,\"callid\":\"c2\",\"CALLEES\":[{\"callee_tag\":\"\",\"callee_bind_addr\":null}]," +
        "\"context\":{\"values\":[{\"caller\":\"alice\"},{\"credit\":12}],\"profiles\":[{\"calls\":\"\"},{\"per_user\":\"alice\"}]}}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dlg_list_reads_every_dialog_without_params()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("dlg_list", null, $"{{\"Dialogs\":[{DialogJson}]}}");
        var list = await s.Client.DlgListAsync(Ct);
        Assert.Equal(string.Empty, s.ParamsOf("dlg_list"));
        Assert.Null(list.Count);
        var dialog = Assert.Single(list.Dialogs);
        Assert.Equal("3137082829", dialog.Id);
        Assert.Equal(DialogState.Confirmed, dialog.State);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764174504), dialog.TimeStart);
        Assert.Equal("abc@10.0.0.1", dialog.CallId);
        Assert.Equal("ftag1", dialog.CallerTag);
        Assert.Equal("ttag1", Assert.Single(dialog.Callees).Tag);
        Assert.Null(dialog.Context);
        Assert.Equal("2026-11-26 16:28:24", dialog.Raw.GetProperty("datestart").GetString());
    }

    [Fact]
    public async Task Dlg_list_by_callid_sends_named_params_and_reads_the_single_dialog()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("dlg_list", null, $"{{\"Dialog\":{DialogJson}}}");
        var list = await s.Client.DlgListAsync("abc@10.0.0.1", "ftag1", Ct);
        Assert.Equal("{\"callid\":\"abc@10.0.0.1\",\"from_tag\":\"ftag1\"}", s.ParamsOf("dlg_list"));
        Assert.Equal("abc@10.0.0.1", Assert.Single(list.Dialogs).CallId);
    }

    [Fact]
    public async Task Dlg_list_page_sends_index_and_counter_and_reads_the_total()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("dlg_list", null, $"{{\"count\":42,\"Dialogs\":[{DialogJson}]}}");
        var page = await s.Client.DlgListAsync(10, 1, Ct);
        Assert.Equal("{\"index\":10,\"counter\":1}", s.ParamsOf("dlg_list"));
        Assert.Equal(42, page.Count);
    }

    [Fact]
    public async Task Dlg_list_of_unknown_callid_throws_404()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.Handle("dlg_list", _ => MiEmulatorReply.Error(404, "No such dialog"));
        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.DlgListAsync("nope", cancellationToken: Ct));
        Assert.Equal(404, error.Code);
    }

    [Fact]
    public async Task Dlg_list_ctx_reads_values_and_profiles()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("dlg_list_ctx", null, $"{{\"Dialogs\":[{DialogCtxJson}]}}");
        var list = await s.Client.DlgListCtxAsync(Ct);
        var dialog = Assert.Single(list.Dialogs);
        Assert.Equal(DialogState.Early, dialog.State);
        Assert.Null(dialog.TimeStart);
        Assert.Null(dialog.Callees[0].BindAddress);
        Assert.NotNull(dialog.Context);
        Assert.Equal([new("caller", "alice"), new("credit", "12")], dialog.Context.Values);
        Assert.Equal("per_user", dialog.Context.Profiles[1].Key);

        await s.Client.DlgListCtxAsync("c2", cancellationToken: Ct);
        Assert.Equal("{\"callid\":\"c2\"}", s.ParamsOf("dlg_list_ctx"));
        await s.Client.DlgListCtxAsync(0, 5, Ct);
        Assert.Equal("{\"index\":0,\"counter\":5}", s.ParamsOf("dlg_list_ctx"));
    }

    [Fact]
    public async Task End_dialog_sends_the_dialog_id_and_headers()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerOk("dlg_end_dlg");
        await s.Client.DlgEndDlgAsync("3137082829", cancellationToken: Ct);
        Assert.Equal("[\"3137082829\"]", s.ParamsOf("dlg_end_dlg"));
        await s.Client.DlgEndDlgAsync("3137082829", "X-Reason: admin\r\n", Ct);
        Assert.Equal("[\"3137082829\",\"X-Reason: admin\\r\\n\"]", s.ParamsOf("dlg_end_dlg"));
    }

    [Fact]
    public async Task Profile_size_reads_count_and_flags()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("profile_get_size", null, "{\"Profile\":{\"name\":\"per_user\",\"value\":\"alice\",\"count\":3,\"shared\":\"no\",\"replicated\":\"yes\"}}");
        var size = await s.Client.ProfileGetSizeAsync("per_user", "alice", Ct);
        Assert.Equal("[\"per_user\",\"alice\"]", s.ParamsOf("profile_get_size"));
        Assert.Equal(new DialogProfileSize("per_user", "alice", 3, false, true, size.Raw), size);

        s.Answer("profile_get_size", null, "{\"Profile\":{\"name\":\"calls\",\"value\":null,\"count\":9,\"shared\":\"no\",\"replicated\":\"no\"}}");
        var whole = await s.Client.ProfileGetSizeAsync("calls", cancellationToken: Ct);
        Assert.Null(whole.Value);
        Assert.Equal(9, whole.Count);
    }

    [Fact]
    public async Task Profile_dialogs_and_all_profiles()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("profile_list_dlgs", null, $"{{\"Dialogs\":[{DialogJson}]}}");
        s.Answer("list_all_profiles", null, "{\"Profiles\":[{\"name\":\"calls\",\"has value\":false},{\"name\":\"per_user\",\"has value\":true}]}");
        var dialogs = await s.Client.ProfileListDlgsAsync("calls", cancellationToken: Ct);
        Assert.Equal("[\"calls\"]", s.ParamsOf("profile_list_dlgs"));
        Assert.Single(dialogs.Dialogs);
        var profiles = await s.Client.ListAllProfilesAsync(Ct);
        Assert.Equal([false, true], profiles.Select(p => p.HasValue!.Value));
    }
}
