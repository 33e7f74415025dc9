using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.IntegrationTests.Trace;

/// <summary>
/// A server of one version with proto_hep (hep_udp and hep_tcp listeners) and tracer loaded, and a route that saves
/// REGISTERs, relays NOTIFYs (after a usrloc lookup when the Request-URI is its own), answers OPTIONS and MESSAGE.
/// </summary>
public abstract class TracingServer(string version) : IAsyncLifetime
{
    public const string Route = """
        if (!mf_process_maxfwd_header(10)) { send_reply(483, "Too Many Hops"); exit; }
        if (is_method("REGISTER")) { if (!save("location")) sl_reply_error(); exit; }
        if (is_method("NOTIFY")) { if (is_myself("$rd")) { if (!lookup("location")) { send_reply(404, "Not Found"); exit; } } t_relay(); exit; }
        if (is_method("OPTIONS")) { send_reply(200, "OK"); exit; }
        if (is_method("MESSAGE")) { if (!t_newtran()) exit; t_reply(202, "Accepted"); exit; }
        send_reply(403, "Forbidden");
        exit;
    """;

    private Exception? _failure;
    private OpenSipsServer? _server;

    public OpenSipsServer Server => _server ?? throw new InvalidOperationException($"the tracing OpenSIPS {version} did not start: {_failure?.Message}", _failure);

    public async ValueTask InitializeAsync()
    {
        try
        {
            _server = await OpenSipsServer.StartAsync(new OpenSipsServerOptions { Version = version, Tracer = true, Route = Route });
        }
        catch (Exception ex) when (ex is OpenSipsUnavailableException or InvalidOperationException)
        {
            _failure = ex;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class TracingServer34() : TracingServer("3.4.18");

public sealed class TracingServer36() : TracingServer("3.6.8");

public sealed class TracingServer40() : TracingServer("4.0.1");

/// <summary>
/// <c>TraceAsync</c> and <c>opensips-mi trace</c> against real servers with tracer and proto_hep loaded: a REGISTER and
/// its reply in order with their addresses (UDP and TCP), a caller filter, a NOTIFY through OpenSIPS traced and one sent
/// straight to the phone not, <c>trace</c> no longer listing the destination after dispose, the CLI's pcap read back by
/// tshark, and the CLI's exit 1 on a server without tracer.
/// </summary>
public abstract class TraceRealServerTests<TServers, TTracing>(TServers servers, TTracing tracing) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
    where TTracing : TracingServer
{
    private static IPEndPoint PhoneEndPoint(SipPhone phone) => new(IPAddress.Loopback, phone.Port);

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

    [Fact]
    public async Task A_REGISTER_shows_as_request_then_reply_with_its_addresses_over_UDP()
    {
        var server = tracing.Server;
        await using var mi = MiClient.Connect(server.DatagramUri);
        await using var phone = new SipPhone("alice");
        await using var trace = await mi.TraceAsync(cancellationToken: Ct);

        Assert.Equal(200, (await phone.RegisterAsync(server.SipEndPoint, cancellationToken: Ct)).StatusCode);
        var messages = await ReadAsync(trace, 2);

        Assert.Equal(["REGISTER", "200"], messages.Select(Label));
        Assert.Equal((PhoneEndPoint(phone), server.SipEndPoint), (messages[0].Source, messages[0].Destination));
        Assert.Equal((server.SipEndPoint, PhoneEndPoint(phone)), (messages[1].Source, messages[1].Destination));
        Assert.Equal(messages[0].CallId, messages[1].CorrelationId);
        Assert.Equal($"udp:127.0.0.1:{server.Ports.Hep}", messages[0].HepSource);
        Assert.Equal(0, trace.MalformedCount + trace.RejectedCount);
    }

    [Fact]
    public async Task Over_TCP_the_REGISTER_and_its_reply_both_arrive()
    {
        var server = tracing.Server;
        await using var mi = MiClient.Connect(server.DatagramUri);
        await using var phone = new SipPhone("alice");
        await using var trace = await mi.TraceAsync(new MiTraceOptions { Listen = "tcp://127.0.0.1:0" }, Ct);

        await phone.RegisterAsync(server.SipEndPoint, cancellationToken: Ct);
        var messages = await ReadAsync(trace, 2);

        // proto_hep writes from each SIP worker on its own connection: both arrive, their order is not guaranteed.
        Assert.Equal(["200", "REGISTER"], messages.Select(Label).Order());
        Assert.All(messages, m => Assert.StartsWith("tcp:127.0.0.1:", m.HepSource, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_caller_filter_lets_one_users_traffic_through_and_not_anothers()
    {
        var server = tracing.Server;
        await using var mi = MiClient.Connect(server.DatagramUri);
        await using var phone = new SipPhone("alice");
        await using var trace = await mi.TraceAsync(new MiTraceOptions { Caller = "sip:alice@127.0.0.1" }, Ct);

        await using var bob = new SipPhone("bob");
        await bob.RegisterAsync(server.SipEndPoint, cancellationToken: Ct);
        await phone.RegisterAsync(server.SipEndPoint, cancellationToken: Ct);
        var messages = await ReadAsync(trace, 2);

        Assert.All(messages, m => Assert.Contains("<sip:alice@127.0.0.1>", m.Text, StringComparison.Ordinal));
        await Task.Delay(300, Ct);
        Assert.False(trace.TryRead(out var extra), $"bob's REGISTER was traced: {extra}");
    }

    [Fact]
    public async Task A_NOTIFY_through_OpenSIPS_is_traced_and_one_sent_straight_to_the_phone_is_not()
    {
        var server = tracing.Server;
        await using var mi = MiClient.Connect(server.DatagramUri);
        await using var phone = new SipPhone("carol");
        await phone.RegisterAsync(server.SipEndPoint, cancellationToken: Ct);
        await using var trace = await mi.TraceAsync(cancellationToken: Ct);

        var direct = await mi.EventNotifyAsync($"sip:carol@{PhoneEndPoint(phone)}", PhoneEvent.PolycomCheckCfg, cancellationToken: Ct);
        var routed = await mi.EventNotifyAsync($"sip:carol@{server.SipEndPoint}", PhoneEvent.PolycomCheckCfg, cancellationToken: Ct);
        var messages = await ReadAsync(trace, 4);

        Assert.Equal((200, 200), (direct.StatusCode, routed.StatusCode));
        Assert.Equal(["NOTIFY", "NOTIFY", "200", "200"], messages.Select(Label));
        Assert.Equal((server.SipEndPoint, server.SipEndPoint), (messages[0].Source, messages[0].Destination));
        Assert.Equal((server.SipEndPoint, PhoneEndPoint(phone)), (messages[1].Source, messages[1].Destination));
        Assert.Equal((PhoneEndPoint(phone), server.SipEndPoint), (messages[2].Source, messages[2].Destination));
        Assert.Equal((server.SipEndPoint, server.SipEndPoint), (messages[3].Source, messages[3].Destination));
        Assert.Single(messages.Select(m => m.CallId).Distinct());
    }

    [Fact]
    public async Task After_dispose_trace_no_longer_lists_the_destination()
    {
        var server = tracing.Server;
        await using var mi = MiClient.Connect(server.DatagramUri);
        var trace = await mi.TraceAsync(new MiTraceOptions { Caller = "alice", SourceIp = IPAddress.Loopback }, Ct);

        var during = (await mi.CommandAsync("trace", Ct)).GetResult().GetRawText();
        await trace.DisposeAsync();
        var after = (await mi.CommandAsync("trace", Ct)).GetResult().GetRawText();

        Assert.Contains($"\"name\":\"{trace.Id}\"", during, StringComparison.Ordinal);
        Assert.Contains("\"filters\":[{\"ip\":\"127.0.0.1\"},{\"caller\":\"alice\"}]", during, StringComparison.Ordinal);
        Assert.DoesNotContain(trace.Id, after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CLI_pcap_is_read_back_by_tshark_with_the_same_messages()
    {
        var server = tracing.Server;
        await using var phone = new SipPhone("alice");
        var pcap = Path.Combine(Path.GetTempPath(), $"opensips-mi-trace-{Guid.NewGuid():N}.pcap");
        try
        {
            using var cli = Tool.Start("-u", server.DatagramUri, "-o", "json", "trace", "--count", "2", "--pcap", pcap);
            await Tool.WaitForStderrAsync(cli, "tracing ");
            await phone.RegisterAsync(server.SipEndPoint, cancellationToken: Ct);
            var (code, stdout, stderr) = await Tool.EndAsync(cli);

            Assert.True(code == 0, stderr);
            var json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(["REGISTER", "REGISTER"], json.Select(j => j.GetProperty("method").GetString()));
            var rows = Tool.Tshark(pcap, "-T", "fields", "-E", "separator=|", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.Call-ID")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(
                [$"{PhoneEndPoint(phone).Port}|{server.Ports.Sip}|REGISTER||{json[0].GetProperty("call_id").GetString()}", $"{server.Ports.Sip}|{PhoneEndPoint(phone).Port}||200|{json[0].GetProperty("call_id").GetString()}"],
                rows);
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [Fact]
    public async Task Without_the_tracer_module_the_CLI_exits_1_and_says_why()
    {
        var server = Servers.Main; // the collection's server loads no tracer

        using var cli = Tool.Start("-u", server.DatagramUri, "trace");
        var (code, _, stderr) = await Tool.EndAsync(cli);

        Assert.Equal(1, code);
        Assert.Contains("error -32601: Method not found", stderr, StringComparison.Ordinal);
        Assert.Contains("tracer module is not loaded", stderr, StringComparison.Ordinal);
    }
}

[Collection(V34.Name)]
public sealed class Trace34(Servers34 servers, TracingServer34 tracing) : TraceRealServerTests<Servers34, TracingServer34>(servers, tracing), IClassFixture<TracingServer34>;

[Collection(V36.Name)]
public sealed class Trace36(Servers36 servers, TracingServer36 tracing) : TraceRealServerTests<Servers36, TracingServer36>(servers, tracing), IClassFixture<TracingServer36>;

[Collection(V40.Name)]
public sealed class Trace40(Servers40 servers, TracingServer40 tracing) : TraceRealServerTests<Servers40, TracingServer40>(servers, tracing), IClassFixture<TracingServer40>;

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
