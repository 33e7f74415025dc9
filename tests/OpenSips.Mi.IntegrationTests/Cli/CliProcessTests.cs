using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Cli;

/// <summary>
/// The <c>opensips-mi</c> tool run as a separate process against real servers: a command per transport, the exit codes
/// (0 ok, 1 MI error, 2 usage, 3 unreachable), a NOTIFY to a loopback phone, and an event printed as it happens.
/// </summary>
public abstract class CliProcessTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    private string Uri(MiTransportKind transport) => transport switch
    {
        MiTransportKind.Udp => Servers.Main.DatagramUri,
        MiTransportKind.Unix => Servers.Unix.DatagramUri + "?client_dir=" + Servers.Unix.Ports.WorkDirectory,
        MiTransportKind.Http => Servers.Main.HttpUri,
        MiTransportKind.XmlRpc => Servers.Main.XmlRpcUri,
        _ => Servers.Main.FifoUri + "?reply_dir=" + Servers.Main.Ports.FifoReplyDirectory,
    };

    [Theory]
    [InlineData(MiTransportKind.Udp)]
    [InlineData(MiTransportKind.Unix)]
    [InlineData(MiTransportKind.Http)]
    [InlineData(MiTransportKind.XmlRpc)]
    [InlineData(MiTransportKind.Fifo)]
    public async Task A_command_over_each_transport_prints_the_result_and_exits_0(MiTransportKind transport)
    {
        var run = await CliAsync("-u", Uri(transport), "-o", "json", "ul_show_contact", "location", "alice");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("alice", json.RootElement.GetProperty("AOR").GetString());
        Assert.Equal(Servers.Alice.Uri, json.RootElement.GetProperty("Contacts")[0].GetProperty("Contact").GetString());
    }

    [Fact]
    public async Task An_mi_error_is_printed_on_stderr_with_exit_1()
    {
        var run = await CliAsync("-u", Servers.Main.HttpUri, "ul_show_contact", "location", "nobody-" + Guid.NewGuid().ToString("N")[..6]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error 404: AOR not found", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_usage_exits_2_and_an_unreachable_server_exits_3()
    {
        Assert.Equal(2, (await CliAsync("-u", Servers.Main.HttpUri, "--output", "yaml", "uptime")).ExitCode);

        int closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var unreachable = await CliAsync("-u", string.Create(CultureInfo.InvariantCulture, $"udp://127.0.0.1:{closedPort}"), "-t", "2", "uptime");
        Assert.Equal(3, unreachable.ExitCode);
    }

    [Fact]
    public async Task Notify_reaches_the_phone_and_a_busy_phone_exits_1()
    {
        await using var phone = new SipPhone("clinotify");
        var run = await CliAsync("-u", Servers.Main.DatagramUri, "notify", phone.Uri, "snom_check_cfg");

        Assert.Equal(0, run.ExitCode);
        var notify = await phone.NextRequestAsync();
        Assert.Equal("check-sync;reboot=false", notify["Event"]);

        phone.Answer = SipAnswer.Busy;
        var busy = await CliAsync("-u", Servers.Main.HttpUri, "notify", phone.Uri, "snom_reboot");
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains("SIP 486 Busy Here", busy.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_prints_a_real_registration_as_a_json_line_and_exits_after_count()
    {
        var user = "cliev" + Guid.NewGuid().ToString("N")[..6];
        var events = StartCli("-u", Servers.Main.DatagramUri, "events", "E_UL_AOR_INSERT", "--count", "1");
        await using var phone = new SipPhone(user);
        try
        {
            // The subscription is in place once the tool says so on stderr; then a new AOR raises the event.
            await events.WaitForErrorTextAsync("subscribed to", TimeSpan.FromSeconds(20));
            var reply = await phone.RegisterAsync(Servers.Main.SipEndPoint, cancellationToken: Ct);
            Assert.Equal(200, reply.StatusCode);

            var run = await events.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, run.ExitCode);
            using var line = JsonDocument.Parse(run.Out.Trim());
            Assert.Equal("E_UL_AOR_INSERT", line.RootElement.GetProperty("name").GetString());
            Assert.Equal(user, line.RootElement.GetProperty("params").GetProperty("aor").GetString());
        }
        finally
        {
            events.Kill();
            await phone.RegisterAsync(Servers.Main.SipEndPoint, expires: 0, cancellationToken: CancellationToken.None);
        }
    }

    private static Task<CliRun> CliAsync(params string[] args) => StartCli(args).WaitAsync(TimeSpan.FromSeconds(60));

    private static CliProcess StartCli(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "opensips-mi.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // No configuration file or environment of the developer's may pick another server.
        start.Environment.Remove("OPENSIPS_MI_URL");
        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment["NO_COLOR"] = "1";
        return new CliProcess(Process.Start(start)!);
    }
}

public sealed record CliRun(int ExitCode, string Out, string Err);

/// <summary>A running tool: its output collected as it comes, killed when the test is done with it.</summary>
public sealed class CliProcess
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly Lock _gate = new();

    public CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public async Task WaitForErrorTextAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!ErrText.Contains(text, StringComparison.Ordinal))
        {
            if (deadline.Elapsed > timeout || _process.HasExited)
            {
                throw new TimeoutException($"the tool did not print '{text}' on stderr (exited: {_process.HasExited}); stderr so far: {ErrText}");
            }

            await Task.Delay(50);
        }
    }

    public async Task<CliRun> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"the tool did not exit within {timeout.TotalSeconds} s; stdout: {OutText}; stderr: {ErrText}");
        }

        // WaitForExit without a timeout drains the asynchronous output readers.
        await _process.WaitForExitAsync(CancellationToken.None);
        var run = new CliRun(_process.ExitCode, OutText, ErrText);
        _process.Dispose();
        return run;
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private string OutText
    {
        get
        {
            lock (_gate)
            {
                return _out.ToString();
            }
        }
    }

    private string ErrText
    {
        get
        {
            lock (_gate)
            {
                return _err.ToString();
            }
        }
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.Append(line).Append('\n');
        }
    }
}

[Collection(V34.Name)]
public sealed class CliProcess34(Servers34 servers) : CliProcessTests<Servers34>(servers);

[Collection(V36.Name)]
public sealed class CliProcess36(Servers36 servers) : CliProcessTests<Servers36>(servers);

[Collection(V40.Name)]
public sealed class CliProcess40(Servers40 servers) : CliProcessTests<Servers40>(servers);
