using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenSips.Mi.TraceServerTests;

/// <summary>
/// A real OpenSIPS on loopback for the trace tests: built once by <c>../shared/opensips-server/build.sh VERSION</c>, run
/// in the foreground (<c>opensips -F</c>) with a config of free ports written to a temporary folder, stopped by pid.
/// It loads proto_hep (with <c>hep_udp</c> and <c>hep_tcp</c> listeners), tracer, tm, sl, usrloc, registrar and
/// mi_datagram; its route saves REGISTERs, answers OPTIONS and MESSAGE, and relays NOTIFYs (a usrloc lookup first when
/// the Request-URI is its own). Meant to be replaced by the shared real-server fixture.
/// </summary>
internal sealed class OpenSipsServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _folder;
    private readonly StringBuilder _log = new();

    private OpenSipsServer(Process process, DirectoryInfo folder, int mi, int sip, int hepUdp, int hepTcp)
    {
        _process = process;
        _folder = folder;
        MiPort = mi;
        SipPort = sip;
        HepUdpPort = hepUdp;
        HepTcpPort = hepTcp;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int MiPort { get; }

    public int SipPort { get; }

    public int HepUdpPort { get; }

    public int HepTcpPort { get; }

    public string MiUri => string.Create(CultureInfo.InvariantCulture, $"udp://127.0.0.1:{MiPort}");

    public IPEndPoint Sip => new(IPAddress.Loopback, SipPort);

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The config; <paramref name="tracer"/> false leaves the tracer module out.</summary>
    public static string Config(string modules, int mi, int sip, int hepUdp, int hepTcp, bool tracer = true) => $$"""
        log_level=3
        stderror_enabled=yes
        syslog_enabled=no
        udp_workers=2
        socket=udp:127.0.0.1:{{sip}}
        socket=hep_udp:127.0.0.1:{{hepUdp}}
        socket=hep_tcp:127.0.0.1:{{hepTcp}}
        mpath="{{modules}}"
        loadmodule "proto_udp.so"
        loadmodule "proto_hep.so"
        loadmodule "signaling.so"
        loadmodule "sl.so"
        loadmodule "tm.so"
        modparam("tm", "fr_timeout", 2)
        loadmodule "maxfwd.so"
        loadmodule "sipmsgops.so"
        loadmodule "usrloc.so"
        modparam("usrloc", "working_mode_preset", "single-instance-no-db")
        loadmodule "registrar.so"
        loadmodule "dialog.so"
        {{(tracer ? "loadmodule \"tracer.so\"" : "# no tracer")}}
        loadmodule "mi_datagram.so"
        modparam("mi_datagram", "socket_name", "udp:127.0.0.1:{{mi}}")
        route {
            if (!mf_process_maxfwd_header(10)) { send_reply(483, "Too Many Hops"); exit; }
            if (is_method("REGISTER")) { if (!save("location")) sl_reply_error(); exit; }
            if (is_method("NOTIFY")) { if (is_myself("$rd")) { if (!lookup("location")) { send_reply(404, "Not Found"); exit; } } t_relay(); exit; }
            if (is_method("OPTIONS")) { send_reply(200, "OK"); exit; }
            if (is_method("MESSAGE")) { if (!t_newtran()) exit; t_reply(202, "Accepted"); exit; }
            send_reply(403, "Forbidden");
            exit;
        }
        """;

    public static async Task<OpenSipsServer> StartAsync(string version, bool tracer = true)
    {
        var binary = await BuildAsync(version);
        var modules = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(binary))!, "lib64", "opensips", "modules") + "/";
        var folder = Directory.CreateTempSubdirectory("opensips-mi-trace-srv-");
        var ports = FreePorts(4);
        var config = Path.Combine(folder.FullName, "opensips.cfg");
        await File.WriteAllTextAsync(config, Config(modules, ports[0], ports[1], ports[2], ports[3], tracer));
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.FullName };
        foreach (var arg in (string[])["-F", "-f", config])
        {
            start.ArgumentList.Add(arg);
        }

        var server = new OpenSipsServer(Process.Start(start)!, folder, ports[0], ports[1], ports[2], ports[3]);
        try
        {
            await server.WaitReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
            _folder.Delete(recursive: true);
        }
    }

    private async Task WaitReadyAsync()
    {
        await using var mi = MiClient.Connect(new DatagramOptions("127.0.0.1", MiPort) { Timeout = TimeSpan.FromMilliseconds(300) });
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"OpenSIPS exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                (await mi.CommandAsync("uptime")).EnsureSuccess();
                return;
            }
            catch (MiException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"OpenSIPS did not answer uptime within 20 s:\n{Log}");
    }

    /// <summary>Runs build.sh (returns at once when built) and gives the binary it prints last.</summary>
    private static async Task<string> BuildAsync(string version)
    {
        var script = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "opensips-server", "build.sh"));
        if (!File.Exists(script))
        {
            throw new FileNotFoundException($"{script} is missing: these tests need ../shared beside the clone.");
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(version);
        using var build = Process.Start(start)!;
        var output = build.StandardOutput.ReadToEndAsync();
        var errors = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(30));
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (build.ExitCode != 0 || lines.Length == 0 || !File.Exists(lines[^1].Trim()))
        {
            throw new InvalidOperationException($"build.sh {version} failed ({build.ExitCode}): {await errors}");
        }

        return lines[^1].Trim();
    }

    private static int[] FreePorts(int count)
    {
        var ports = new List<int>();
        var held = new List<Socket>();
        try
        {
            while (ports.Count < count)
            {
                var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                held.Add(udp);
                var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                held.Add(tcp);
                try
                {
                    tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    ports.Add(port);
                }
                catch (SocketException)
                {
                }
            }

            return [.. ports];
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("OpenSips.Mi.slnx not found above " + AppContext.BaseDirectory);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
