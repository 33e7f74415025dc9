using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.TraceServerTests;

/// <summary>
/// <c>TraceAsync</c> and <c>opensips-mi trace</c> against real OpenSIPS 3.6.8 and 4.0.1 with tracer and proto_hep
/// loaded. Each test starts its own server (see <see cref="OpenSipsServer"/>); a server that cannot be built or started
/// fails the test, it is never skipped.
/// </summary>
public sealed class TraceRealServerTests
{
    public static TheoryData<string> Versions => ["3.6.8", "4.0.1"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<SipTraceMessage>> ReadAsync(MiTraceSubscription trace, int count)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        var messages = new List<SipTraceMessage>();
        await foreach (var m in trace.ReadAllAsync(bound.Token))
        {
            messages.Add(m);
            if (messages.Count == count)
            {
                break;
            }
        }

        return messages;
    }

    private static string Label(SipTraceMessage m) => m.IsRequest ? m.Method! : m.StatusCode!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_REGISTER_shows_as_request_then_reply_with_its_addresses_over_UDP(string version)
    {
        await using var server = await OpenSipsServer.StartAsync(version);
        await using var mi = MiClient.Connect(server.MiUri);
        await using var phone = new SipPeer();
        await using var trace = await mi.TraceAsync(cancellationToken: Ct);

        Assert.Equal("SIP/2.0 200 OK", await phone.RegisterAsync(server.Sip, "alice"));
        var messages = await ReadAsync(trace, 2);

        Assert.Equal(["REGISTER", "200"], messages.Select(Label));
        Assert.Equal((phone.EndPoint, server.Sip), (messages[0].Source, messages[0].Destination));
        Assert.Equal((server.Sip, phone.EndPoint), (messages[1].Source, messages[1].Destination));
        Assert.Equal(messages[0].CallId, messages[1].CorrelationId);
        Assert.Equal($"udp:127.0.0.1:{server.HepUdpPort}", messages[0].HepSource);
        Assert.Equal(0, trace.MalformedCount + trace.RejectedCount);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Over_TCP_the_REGISTER_and_its_reply_both_arrive(string version)
    {
        await using var server = await OpenSipsServer.StartAsync(version);
        await using var mi = MiClient.Connect(server.MiUri);
        await using var phone = new SipPeer();
        await using var trace = await mi.TraceAsync(new MiTraceOptions { Listen = "tcp://127.0.0.1:0" }, Ct);

        await phone.RegisterAsync(server.Sip, "alice");
        var messages = await ReadAsync(trace, 2);

        // proto_hep writes from each SIP worker on its own connection: both arrive, their order is not guaranteed.
        Assert.Equal(["200", "REGISTER"], messages.Select(Label).Order());
        Assert.All(messages, m => Assert.StartsWith("tcp:127.0.0.1:", m.HepSource, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_caller_filter_lets_one_users_traffic_through_and_not_anothers(string version)
    {
        await using var server = await OpenSipsServer.StartAsync(version);
        await using var mi = MiClient.Connect(server.MiUri);
        await using var phone = new SipPeer();
        await using var trace = await mi.TraceAsync(new MiTraceOptions { Caller = "sip:alice@127.0.0.1" }, Ct);

        await phone.RegisterAsync(server.Sip, "bob");
        await phone.RegisterAsync(server.Sip, "alice");
        var messages = await ReadAsync(trace, 2);

        Assert.All(messages, m => Assert.Contains("<sip:alice@127.0.0.1>", m.Text, StringComparison.Ordinal));
        await Task.Delay(300, Ct);
        Assert.False(trace.TryRead(out var extra), $"bob's REGISTER was traced: {extra}");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_NOTIFY_through_OpenSIPS_is_traced_and_one_sent_straight_to_the_phone_is_not(string version)
    {
        await using var server = await OpenSipsServer.StartAsync(version);
        await using var mi = MiClient.Connect(server.MiUri);
        await using var phone = new SipPeer();
        await phone.RegisterAsync(server.Sip, "carol");
        await using var trace = await mi.TraceAsync(cancellationToken: Ct);

        var direct = await mi.EventNotifyAsync($"sip:carol@{phone.EndPoint}", PhoneEvent.PolycomCheckCfg, cancellationToken: Ct);
        var routed = await mi.EventNotifyAsync($"sip:carol@{server.Sip}", PhoneEvent.PolycomCheckCfg, cancellationToken: Ct);
        var messages = await ReadAsync(trace, 4);

        Assert.Equal((200, 200), (direct.StatusCode, routed.StatusCode));
        Assert.Equal(["NOTIFY", "NOTIFY", "200", "200"], messages.Select(Label));
        Assert.Equal((server.Sip, server.Sip), (messages[0].Source, messages[0].Destination));
        Assert.Equal((server.Sip, phone.EndPoint), (messages[1].Source, messages[1].Destination));
        Assert.Equal((phone.EndPoint, server.Sip), (messages[2].Source, messages[2].Destination));
        Assert.Equal((server.Sip, server.Sip), (messages[3].Source, messages[3].Destination));
        Assert.Single(messages.Select(m => m.CallId).Distinct());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task After_dispose_trace_no_longer_lists_the_destination(string version)
    {
        await using var server = await OpenSipsServer.StartAsync(version);
        await using var mi = MiClient.Connect(server.MiUri);
        var trace = await mi.TraceAsync(new MiTraceOptions { Caller = "alice", SourceIp = IPAddress.Loopback }, Ct);

        var during = (await mi.CommandAsync("trace", Ct)).GetResult().GetRawText();
        await trace.DisposeAsync();
        var after = (await mi.CommandAsync("trace", Ct)).GetResult().GetRawText();

        Assert.Contains($"\"name\":\"{trace.Id}\"", during, StringComparison.Ordinal);
        Assert.Contains("\"filters\":[{\"ip\":\"127.0.0.1\"},{\"caller\":\"alice\"}]", during, StringComparison.Ordinal);
        Assert.DoesNotContain(trace.Id, after, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_CLI_pcap_is_read_back_by_tshark_with_the_same_messages(string version)
    {
        await using var server = await OpenSipsServer.StartAsync(version);
        await using var phone = new SipPeer();
        var pcap = Path.Combine(Path.GetTempPath(), $"opensips-mi-trace-{Guid.NewGuid():N}.pcap");
        try
        {
            using var cli = Tool.Start("-u", server.MiUri, "-o", "json", "trace", "--count", "2", "--pcap", pcap);
            await Tool.WaitForStderrAsync(cli, "tracing ");
            await phone.RegisterAsync(server.Sip, "alice");
            var (code, stdout, stderr) = await Tool.EndAsync(cli);

            Assert.True(code == 0, stderr);
            var json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(["REGISTER", "REGISTER"], json.Select(j => j.GetProperty("method").GetString()));
            var rows = Tool.Tshark(pcap, "-T", "fields", "-E", "separator=|", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.Call-ID")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(
                [$"{phone.EndPoint.Port}|{server.SipPort}|REGISTER||{json[0].GetProperty("call_id").GetString()}", $"{server.SipPort}|{phone.EndPoint.Port}||200|{json[0].GetProperty("call_id").GetString()}"],
                rows);
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Without_the_tracer_module_the_CLI_exits_1_and_says_why(string version)
    {
        await using var server = await OpenSipsServer.StartAsync(version, tracer: false);

        using var cli = Tool.Start("-u", server.MiUri, "trace");
        var (code, _, stderr) = await Tool.EndAsync(cli);

        Assert.Equal(1, code);
        Assert.Contains("error -32601: Method not found", stderr, StringComparison.Ordinal);
        Assert.Contains("tracer module is not loaded", stderr, StringComparison.Ordinal);
    }
}

/// <summary>The <c>opensips-mi</c> tool as a process, and tshark.</summary>
internal static class Tool
{
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "opensips-mi.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start)!;
    }

    public static async Task WaitForStderrAsync(Process process, string start)
    {
        var line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(line?.StartsWith(start, StringComparison.Ordinal) == true, $"unexpected first stderr line: {line}");
    }

    public static async Task<(int Code, string Out, string Error)> EndAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    public static string Tshark(string file, params string[] args)
    {
        var start = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-r", file, .. args])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("tshark did not start (apt-get install -y tshark)");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(60_000);
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return output;
    }
}
