using System.Text.Json;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Cli.Tests;

/// <summary><c>notify</c>, <c>mwi</c> and <c>uac</c> through the emulator's t_uac_dlg, which really sends the request to a UDP phone on loopback.</summary>
public sealed class SipCommandTests : IAsyncLifetime
{
    private MiEmulator _emulator = null!;
    private MiEmulatorSipUac _uac = null!;
    private TestPhone _phone = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, HttpReceiveBufferSize = 16384 }, TestContext.Current.CancellationToken);
        _uac = MiEmulatorSipUac.Attach(_emulator, new SipUacOptions { FinalResponseTimeout = TimeSpan.FromSeconds(1), T1 = TimeSpan.FromMilliseconds(100), T2 = TimeSpan.FromMilliseconds(400) });
        _phone = new TestPhone();
    }

    public async ValueTask DisposeAsync()
    {
        await _phone.DisposeAsync();
        await _uac.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private Task<CliResult> RunAsync(params string[] args) => CliRun.RunAsync(["-u", _emulator.UdpUri, .. args]);

    private int UacCalls => _emulator.Received.Count(r => r.Method == "t_uac_dlg");

    [Fact]
    public async Task Notify_with_a_catalogue_event_reaches_the_phone_and_prints_the_reply_as_json()
    {
        var run = await RunAsync("-o", "json", "notify", _phone.Uri, "snom_reboot");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        var sent = await _phone.NextAsync();
        Assert.StartsWith($"NOTIFY {_phone.Uri} SIP/2.0\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("\r\nEvent: check-sync;reboot=true\r\n", sent, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(200, doc.RootElement.GetProperty("status_code").GetInt32());
        Assert.Equal("OK", doc.RootElement.GetProperty("reason").GetString());
        Assert.Contains(doc.RootElement.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "X-Phone" && h.GetProperty("value").GetString() == "test");
        Assert.Equal(string.Empty, doc.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Notify_with_a_custom_event_and_extra_headers()
    {
        var run = await RunAsync("-o", "json", "notify", _phone.Uri, "check-sync;reboot=false", "--header", "X-Reason: provisioning", "-H", "X-Two:2");

        Assert.Equal(0, run.ExitCode);
        var sent = await _phone.NextAsync();
        Assert.Contains("\r\nEvent: check-sync;reboot=false\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Reason: provisioning\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Two: 2\r\n", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mwi_sends_the_message_summary_counts()
    {
        var run = await RunAsync("-o", "json", "mwi", _phone.Uri, "sip:*97@pbx.example.com", "2", "5", "1");

        Assert.Equal(0, run.ExitCode);
        var sent = await _phone.NextAsync();
        Assert.Contains("\r\nEvent: message-summary\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("Messages-Waiting: yes\r\nMessage-Account: sip:*97@pbx.example.com\r\nVoice-Message: 2/5 (1/0)\r\n", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uac_sends_any_request_with_body_and_prints_pretty_and_table()
    {
        string[] request = ["uac", "MESSAGE", _phone.Uri, "-H", "From: <sip:cli@127.0.0.1>", "-H", $"To: <{_phone.Uri}>", "-H", "Content-Type: text/plain", "--body", "hello"];

        var pretty = await RunAsync(["-o", "pretty", .. request]);
        var table = await RunAsync(["-o", "table", .. request]);

        Assert.Equal(0, pretty.ExitCode);
        Assert.Equal(0, table.ExitCode);
        var sent = await _phone.NextAsync();
        Assert.StartsWith($"MESSAGE {_phone.Uri} SIP/2.0\r\n", sent, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nhello", sent, StringComparison.Ordinal);
        Assert.Contains("\"status_code\": 200", pretty.Out, StringComparison.Ordinal);
        Assert.Contains("status_code", table.Out, StringComparison.Ordinal);
        Assert.Contains("200", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_targets_each_send_and_the_output_is_keyed_by_target()
    {
        var run = await CliRun.RunAsync("-u", _emulator.UdpUri, "-u", _emulator.HttpUriString, "-o", "json", "notify", _phone.Uri, "sipura_check_cfg");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(200, doc.RootElement.GetProperty(_emulator.UdpUri).GetProperty("status_code").GetInt32());
        Assert.Equal(200, doc.RootElement.GetProperty(_emulator.HttpUriString).GetProperty("status_code").GetInt32());
        Assert.Contains("\r\nEvent: resync\r\n", await _phone.NextAsync(), StringComparison.Ordinal);
        Assert.Contains("\r\nEvent: resync\r\n", await _phone.NextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_2xx_final_reply_prints_the_reply_and_exits_1()
    {
        _phone.Status = "486 Busy Here";

        var run = await RunAsync("-o", "json", "notify", _phone.Uri, "polycom_check_cfg");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("SIP 486 Busy Here\n", run.Error);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(486, doc.RootElement.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task No_answer_is_tm_408_and_exits_3()
    {
        _phone.Status = null;

        var run = await RunAsync("-o", "json", "--timeout", "10", "notify", _phone.Uri, "snom_check_cfg");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("SIP 408 Request Timeout: no final reply", run.Error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(408, doc.RootElement.GetProperty("status_code").GetInt32());
    }

    public static TheoryData<string, string> BadHeaders() => new()
    {
        { "X-Evil: a\r\nEvent: reboot", "CR" },
        { "X-Evil: a\nEvent: reboot", "LF" },
        { "X-Evil: a\rb", "CR" },
        { "X-Evil: a\0b", "NUL" },
        { "X Evil: a", "token" },
        { "X-Evil: a\\r\\nEvent: reboot", "escape" },
        { "no colon here", "Name: value" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task Header_injection_is_refused_before_anything_is_sent(string header, string kind)
    {
        var notify = await RunAsync("notify", _phone.Uri, "snom_reboot", "-H", header);
        var mwi = await RunAsync("mwi", _phone.Uri, "sip:*97@pbx.example.com", "1", "--header", header);
        var uac = await RunAsync("uac", "OPTIONS", _phone.Uri, "-H", "From: <sip:cli@127.0.0.1>", "-H", $"To: <{_phone.Uri}>", "-H", header);

        foreach (var run in new[] { notify, mwi, uac })
        {
            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith("opensips-mi: ", run.Error, StringComparison.Ordinal);
            Assert.Equal(string.Empty, run.Out);
        }

        Assert.True(UacCalls == 0, kind);
        Assert.Equal(0, _phone.Pending);
    }

    [Fact]
    public async Task A_missing_From_or_an_unknown_catalogue_like_error_is_a_usage_error()
    {
        var uac = await RunAsync("uac", "OPTIONS", _phone.Uri, "-H", $"To: <{_phone.Uri}>");
        var badUri = await RunAsync("notify", "not a uri", "snom_reboot");

        Assert.Equal(2, uac.ExitCode);
        Assert.Equal(2, badUri.ExitCode);
        Assert.Equal(0, UacCalls);
    }
}
