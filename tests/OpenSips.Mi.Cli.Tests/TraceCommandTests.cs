using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Cli.Tests;

/// <summary>
/// <c>trace</c> against the emulator: its tracer sends HEP for a NOTIFY relayed through the emulated OpenSIPS to a UDP
/// phone, and the tool prints it as lines, whole messages or JSON, and writes it as pcap.
/// </summary>
public sealed class TraceCommandTests : IAsyncLifetime
{
    private MiEmulator _emulator = null!;
    private MiEmulatorSipUac _uac = null!;
    private TestPhone _phone = null!;
    private MiClient _mi = null!;
    private string _dir = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableHttp = false }, Ct);
        _uac = MiEmulatorSipUac.Attach(_emulator, new SipUacOptions { FinalResponseTimeout = TimeSpan.FromSeconds(2), T1 = TimeSpan.FromMilliseconds(200), T2 = TimeSpan.FromMilliseconds(800) });
        _phone = new TestPhone();
        _mi = MiClient.Connect(_emulator.UdpUri);
        var phonePort = new Uri(_phone.Uri.Replace("sip:", "sip://", StringComparison.Ordinal)).Port;
        _emulator.State.Usrloc.Remove("alice");
        _emulator.State.Usrloc.Add("alice", new MiContact { Contact = $"sip:alice@127.0.0.1:{phonePort}", ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });
        _dir = Directory.CreateTempSubdirectory("opensips-mi-trace-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _mi.DisposeAsync();
        await _phone.DisposeAsync();
        await _uac.DisposeAsync();
        await _emulator.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Runs the tool until it ends, sending NOTIFYs through the emulated OpenSIPS once its trace is started.</summary>
    private async Task<CliResult> TraceWhileNotifyingAsync(string[] args, int notifies = 1, TextWriter? stdout = null)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var env = new CliEnvironment { Out = stdout ?? output, Error = errors, Variables = new Dictionary<string, string?>(), Colors = false };
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        var run = Cli.RunAsync(["-u", _emulator.UdpUri, "trace", .. args], env, bound.Token);
        await StartedAsync(run);
        for (var i = 0; i < notifies; i++)
        {
            var reply = await _mi.EventNotifyAsync($"sip:alice@127.0.0.1:{_uac.SocketEndPoints[0].Port}", PhoneEvent.PolycomCheckCfg, cancellationToken: Ct);
            Assert.Equal(200, reply.StatusCode);
        }

        var code = await run;
        return new CliResult(code, (stdout ?? output).ToString()!, errors.ToString());
    }

    private async Task StartedAsync(Task<int> run)
    {
        for (var i = 0; i < 500 && _emulator.TraceDestinations.Count == 0; i++)
        {
            Assert.False(run.IsCompleted, $"the tool ended early with {(run.IsCompleted ? run.Result : 0)}");
            await Task.Delay(10, Ct);
        }

        Assert.NotEmpty(_emulator.TraceDestinations);
    }

    [Fact]
    public async Task Json_lines_carry_each_message_and_trace_stop_is_sent_after_count()
    {
        var run = await TraceWhileNotifyingAsync(["-o", "json", "--count", "4", "--caller", "sip:alice@127.0.0.1"]);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.Equal(["NOTIFY", "NOTIFY", "NOTIFY", "NOTIFY"], lines.Select(l => l.GetProperty("method").GetString()));
        Assert.Equal([true, true, false, false], lines.Select(l => l.GetProperty("request").GetBoolean()));
        Assert.Equal(200, lines[3].GetProperty("status").GetInt32());
        Assert.Equal("udp", lines[0].GetProperty("transport").GetString());
        Assert.EndsWith("Z", lines[0].GetProperty("time").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("NOTIFY sip:alice@127.0.0.1:", lines[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(lines[0].GetProperty("call_id").GetString(), lines[3].GetProperty("correlation_id").GetString());
        Assert.Equal("10 NOTIFY", lines[2].GetProperty("cseq").GetString());
        Assert.Contains("caller=alice@127.0.0.1", run.Error, StringComparison.Ordinal);
        Assert.Contains("stopped: 4 messages shown, 0 dropped", run.Error, StringComparison.Ordinal);
        Assert.Empty(_emulator.TraceDestinations);
        Assert.Single(_emulator.Received, r => r.Method == "trace_stop");
    }

    [Fact]
    public async Task The_default_view_is_one_line_per_message_and_v_adds_the_message()
    {
        var lines = await TraceWhileNotifyingAsync(["-o", "pretty", "--count", "2", "--scope", "transaction"]);
        var verbose = await TraceWhileNotifyingAsync(["-o", "pretty", "-v", "--count", "1"]);

        var shown = lines.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, shown.Length);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{6} udp 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ NOTIFY sip:alice@127\.0\.0\.1:\d+  [0-9a-f]{12}\.\.$", shown[0]);
        Assert.Contains("-> 127.0.0.1:", shown[1], StringComparison.Ordinal);
        Assert.Contains("\n    Event: check-sync\n", verbose.Out, StringComparison.Ordinal);
        Assert.Contains("\n    Max-Forwards: 70\n", verbose.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Colours_follow_the_call_when_the_terminal_has_them()
    {
        using var output = new StringWriter();
        var colored = new CliEnvironment { Out = output, Error = TextWriter.Null, Variables = new Dictionary<string, string?>(), Colors = true, OutputIsTerminal = true };
        var run = Cli.RunAsync(["-u", _emulator.UdpUri, "trace", "--count", "4"], colored, Ct);
        await StartedAsync(run);
        await _mi.EventNotifyAsync($"sip:alice@127.0.0.1:{_uac.SocketEndPoints[0].Port}", PhoneEvent.PolycomCheckCfg, cancellationToken: Ct);

        Assert.Equal(0, await run);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("\u001b[36m", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.EndsWith("\u001b[0m", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_pcap_file_holds_an_IP_and_UDP_packet_per_message_readable_by_tshark()
    {
        var file = Path.Combine(_dir, "notify.pcap");

        var run = await TraceWhileNotifyingAsync(["-o", "json", "--count", "4", "--pcap", file]);

        Assert.Equal(0, run.ExitCode);
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        Assert.Equal(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(101u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)));
        var records = new List<byte[]>();
        for (var offset = 24; offset < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8));
            records.Add(bytes.AsSpan(offset + 16, length).ToArray());
            offset += 16 + length;
        }

        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal((0x45, 17), (r[0], r[9])));
        var json = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        for (var i = 0; i < 4; i++)
        {
            var source = IPEndPoint.Parse(json[i].GetProperty("source").GetString()!);
            Assert.Equal(source.Port, BinaryPrimitives.ReadUInt16BigEndian(records[i].AsSpan(20)));
            Assert.Equal(json[i].GetProperty("message").GetString(), System.Text.Encoding.UTF8.GetString(records[i].AsSpan(28)));
        }

        var tshark = Tshark.Read(file, "-T", "fields", "-E", "separator=|", "-e", "ip.src", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.Call-ID");
        var rows = tshark.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, rows.Length);
        for (var i = 0; i < 4; i++)
        {
            var source = IPEndPoint.Parse(json[i].GetProperty("source").GetString()!);
            var destination = IPEndPoint.Parse(json[i].GetProperty("destination").GetString()!);
            var method = i < 2 ? "NOTIFY" : string.Empty;
            var status = i < 2 ? string.Empty : "200";
            Assert.Equal($"127.0.0.1|{source.Port}|{destination.Port}|{method}|{status}|{json[i].GetProperty("call_id").GetString()}", rows[i]);
        }
    }

    [Fact]
    public async Task Ctrl_C_stops_with_exit_0_and_trace_stop()
    {
        using var stop = new CancellationTokenSource();
        var env = new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null, Variables = new Dictionary<string, string?>() };
        var run = Cli.RunAsync(["-u", _emulator.UdpUri, "trace"], env, stop.Token);
        await StartedAsync(run);

        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Empty(_emulator.TraceDestinations);
    }

    [Fact]
    public async Task A_slow_output_drops_the_oldest_messages_and_says_so()
    {
        using var slow = new SlowWriter();
        var run = TraceWhileNotifyingAsync(["-o", "json", "--buffer", "1", "--count", "3"], notifies: 3, stdout: slow);

        var result = await run;

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("messages dropped so far (the output could not keep up", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_tracer_module_it_exits_1_and_says_so()
    {
        _emulator.Remove("trace_start");

        var run = await CliRun.RunAsync("-u", _emulator.UdpUri, "trace");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error -32601: Method not found", run.Error, StringComparison.Ordinal);
        Assert.Contains("the tracer module is not loaded", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_proto_hep_it_exits_1_and_says_so()
    {
        _emulator.Handle("trace_start", _ => MiEmulatorReply.Error(500, "No transport protocol", "HEP module was not loaded"));

        var run = await CliRun.RunAsync("-u", _emulator.UdpUri, "trace");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error 500: No transport protocol (HEP module was not loaded)", run.Error, StringComparison.Ordinal);
        Assert.Contains("proto_hep module is not loaded", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_exits_3()
    {
        using var nobody = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        nobody.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var run = await CliRun.RunAsync("-u", $"udp://127.0.0.1:{((IPEndPoint)nobody.LocalEndPoint!).Port}", "-t", "0.5", "trace");

        Assert.Equal(3, run.ExitCode);
    }

    [Theory]
    [InlineData("--scope", "everything")]
    [InlineData("--listen", "unix:///tmp/hep.sock")]
    [InlineData("--count", "0")]
    [InlineData("--ip", "not-an-ip")]
    [InlineData("--ip", "::1")]
    [InlineData("--caller", "sip:")]
    [InlineData("--buffer", "0")]
    [InlineData("--advertise", "0.0.0.0")]
    public async Task Bad_options_are_usage_errors_and_nothing_is_sent(string option, string value)
    {
        var run = await CliRun.RunAsync("-u", _emulator.UdpUri, "trace", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain(_emulator.Received, r => r.Method == "trace_start");
    }

    [Fact]
    public async Task An_argument_points_to_the_MI_command_trace()
    {
        var run = await CliRun.RunAsync("-u", _emulator.UdpUri, "trace", "mode=off");
        var mi = await CliRun.RunAsync("-u", _emulator.UdpUri, "-o", "json", "--", "trace");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'opensips-mi -- trace mode=off'", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, mi.ExitCode);
        Assert.Equal("{\"global\":\"on\",\"trace destinations\":[]}", mi.Out.Trim());
    }

    [Fact]
    public async Task An_unwritable_pcap_file_is_a_usage_error_before_trace_start()
    {
        var run = await CliRun.RunAsync("-u", _emulator.UdpUri, "trace", "--pcap", Path.Combine(_dir, "missing", "x.pcap"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("opensips-mi: --pcap: cannot write", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_emulator.Received, r => r.Method == "trace_start");
    }

    /// <summary>A terminal that takes 100 ms per line.</summary>
    private sealed class SlowWriter : StringWriter
    {
        public override async Task WriteLineAsync(string? value)
        {
            await Task.Delay(100);
            await base.WriteLineAsync(value);
        }
    }
}

/// <summary>Runs tshark (Debian package <c>tshark</c>) on a capture file; in CI (CI=true) a missing tshark fails the test.</summary>
internal static class Tshark
{
    public static string Read(string file, params string[] args)
    {
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "tshark")).FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "tshark is required in CI: apt-get install -y tshark");
            Assert.Skip("tshark is not installed (apt-get install -y tshark)");
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-r", file, .. args])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("tshark did not finish within 60 s");
        }

        Assert.True(process.ExitCode == 0, $"tshark failed ({process.ExitCode}): {errors.Result}");
        return output.Result;
    }
}
