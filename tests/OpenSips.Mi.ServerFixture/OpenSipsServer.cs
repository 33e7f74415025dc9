using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenSips.Mi.ServerFixture;

/// <summary>
/// One real OpenSIPS process tree on loopback, started with <c>opensips -F -f CFG</c> from a configuration written into a
/// private temporary folder. Ready when every MI transport it serves has answered; disposing it stops every process it
/// started (SIGTERM, then SIGKILL for whatever is left) and deletes the folder, whether the test passed or failed.
/// </summary>
public sealed class OpenSipsServer : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<OpenSipsServer, byte> Running = new();
    private readonly Process _process;
    private int _disposed;

    static OpenSipsServer()
    {
        // A test host that ends without disposing (a crash in a fixture, Ctrl+C) still takes its servers with it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Running.Keys)
            {
                server.StopNow();
            }
        };
    }

    private OpenSipsServer(OpenSipsServerOptions options, OpenSipsInstallation installation, ServerPorts ports, string config, Process process, ServerLog log)
    {
        Options = options;
        Installation = installation;
        Ports = ports;
        ConfigText = config;
        _process = process;
        Log = log;
        ProcessId = process.Id;
    }

    /// <summary>How it was started.</summary>
    public OpenSipsServerOptions Options { get; }

    /// <summary>The build it runs.</summary>
    public OpenSipsInstallation Installation { get; }

    /// <summary>The version it runs, for example <c>3.6.8</c>.</summary>
    public string Version => Installation.Version;

    /// <summary>Its ports and paths.</summary>
    public ServerPorts Ports { get; }

    /// <summary>The configuration it runs with.</summary>
    public string ConfigText { get; }

    /// <summary>The main process.</summary>
    public int ProcessId { get; }

    /// <summary>Its stdout and stderr.</summary>
    public ServerLog Log { get; }

    /// <summary>Whether the main process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Where it receives SIP (UDP).</summary>
    public IPEndPoint SipEndPoint => new(IPAddress.Loopback, Ports.Sip);

    /// <summary>The mi_datagram endpoint as a client URI: <c>udp://…</c>, or <c>unix://…</c> for a unix instance.</summary>
    public string DatagramUri => Options.UnixDatagram ? "unix://" + Ports.UnixSocketPath : Invariant($"udp://127.0.0.1:{Ports.MiDatagram}");

    /// <summary>The mi_http URI.</summary>
    public string HttpUri => ServesHttp ? Invariant($"http://127.0.0.1:{Ports.Http}/mi") : throw NotServed("mi_http");

    /// <summary>The mi_xmlrpc URI (<c>xmlrpc+http://…/RPC2</c>).</summary>
    public string XmlRpcUri => ServesHttp ? Invariant($"xmlrpc+http://127.0.0.1:{Ports.Http}/RPC2") : throw NotServed(Installation.XmlRpcModule);

    /// <summary>The mi_fifo URI.</summary>
    public string FifoUri => ServesHttp ? "fifo://" + Ports.FifoPath : throw NotServed("mi_fifo");

    /// <summary>The HEP listener (when started with <see cref="OpenSipsServerOptions.Tracer"/>).</summary>
    public IPEndPoint HepEndPoint => Options.Tracer ? new(IPAddress.Loopback, Ports.Hep) : throw NotServed("proto_hep");

    private bool ServesHttp => !Options.UnixDatagram;

    /// <summary>Builds the version if needed, starts it and waits until every MI transport answers.</summary>
    /// <param name="options">What to start.</param>
    /// <param name="cancellationToken">Cancels the start (the process is stopped).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="OpenSipsUnavailableException">The version cannot be built here.</exception>
    /// <exception cref="InvalidOperationException">It did not start; the message carries its log.</exception>
    public static async Task<OpenSipsServer> StartAsync(OpenSipsServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var installation = await OpenSipsInstallation.EnsureAsync(options.Version).ConfigureAwait(false);
        Exception? last = null;

        // A port picked free can be taken by someone else before OpenSIPS binds it: try again with other ports.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var work = Directory.CreateTempSubdirectory("osmi-");
            var server = default(OpenSipsServer);
            try
            {
                server = Launch(options, installation, ServerPorts.Allocate(work.FullName));
                await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (ServerStartException ex) when (ex.Retryable && attempt < 2)
            {
                last = ex;
                if (server is not null)
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch
            {
                if (server is not null)
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    TryDelete(work.FullName);
                }

                throw;
            }
        }

        throw last!;
    }

    private static OpenSipsServer Launch(OpenSipsServerOptions options, OpenSipsInstallation installation, ServerPorts ports)
    {
        Directory.CreateDirectory(ports.FifoReplyDirectory);
        DbTextTables.Write(installation.Version, ports);
        var config = OpenSipsConfig.Build(options, installation, ports);
        var configPath = Path.Combine(ports.WorkDirectory, "opensips.cfg");
        File.WriteAllText(configPath, config, new UTF8Encoding(false));

        var start = new ProcessStartInfo(installation.Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = ports.WorkDirectory,
        };

        // -F: stay in the foreground so the fixture owns the process; -m/-M: small shared and private memory pools.
        foreach (var arg in new[] { "-F", "-f", configPath, "-m", "128", "-M", "16", "-w", ports.WorkDirectory })
        {
            start.ArgumentList.Add(arg);
        }

        var log = new ServerLog();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => log.Append(e.Data);
        process.ErrorDataReceived += (_, e) => log.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {installation.Binary}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new OpenSipsServer(options, installation, ports, config, process, log);
        Running.TryAdd(server, 0);
        return server;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.StartTimeout);
        var pending = new List<(string Name, Func<CancellationToken, Task<bool>> Probe)>
        {
            ("mi_datagram", Options.UnixDatagram ? ProbeUnixAsync : ProbeUdpAsync),
        };
        if (ServesHttp)
        {
            pending.Add(("mi_http", ProbeHttpAsync));
            pending.Add(("mi_fifo", ProbeFifoAsync));
        }

        try
        {
            while (pending.Count > 0)
            {
                if (_process.HasExited)
                {
                    throw new ServerStartException(
                        $"OpenSIPS {Version} exited with code {_process.ExitCode} while starting.\n--- log ---\n{Log.Tail(40)}\n--- config ---\n{ConfigText}",
                        retryable: Log.Text.Contains("Address already in use", StringComparison.Ordinal));
                }

                for (var i = pending.Count - 1; i >= 0; i--)
                {
                    if (await pending[i].Probe(deadline.Token).ConfigureAwait(false))
                    {
                        pending.RemoveAt(i);
                    }
                }

                if (pending.Count > 0)
                {
                    await Task.Delay(100, deadline.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerStartException(
                $"OpenSIPS {Version} did not answer on {string.Join(", ", pending.Select(p => p.Name))} within {Options.StartTimeout.TotalSeconds:0} s.\n--- log ---\n{Log.Tail(40)}",
                retryable: false);
        }
    }

    private static readonly byte[] Probe = "{\"jsonrpc\":\"2.0\",\"method\":\"uptime\",\"id\":1}"u8.ToArray();

    private async Task<bool> ProbeUdpAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return await ExchangeDatagramAsync(socket, new IPEndPoint(IPAddress.Loopback, Ports.MiDatagram), cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ProbeUnixAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Ports.UnixSocketPath))
        {
            return false;
        }

        var clientPath = Path.Combine(Ports.WorkDirectory, "probe.sock");
        TryDelete(clientPath);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(clientPath));
        try
        {
            return await ExchangeDatagramAsync(socket, new UnixDomainSocketEndPoint(Ports.UnixSocketPath), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(clientPath);
        }
    }

    private static async Task<bool> ExchangeDatagramAsync(Socket socket, EndPoint server, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendToAsync(Probe, SocketFlags.None, server, cancellationToken).ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(300);
            var buffer = new byte[65536];
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token).ConfigureAwait(false);
            return IsUptimeReply(buffer.AsSpan(0, n));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task<bool> ProbeHttpAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Ports.Http, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            var head = Encoding.ASCII.GetBytes(Invariant(
                $"POST /mi HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {Probe.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(Probe, cancellationToken).ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(1000);
            var buffer = new byte[4096];
            var total = 0;
            while (total < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(total), wait.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                total += n;
                if (IsUptimeReply(buffer.AsSpan(0, total)))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private async Task<bool> ProbeFifoAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Ports.FifoPath))
        {
            return false;
        }

        var name = "probe" + Guid.NewGuid().ToString("N")[..8];
        var replyPath = Path.Combine(Ports.FifoReplyDirectory, name);
        if (Native.MkFifo(replyPath, Convert.ToUInt32("622", 8)) != 0)
        {
            return false;
        }

        var reader = Native.Open(replyPath, Native.ORdOnly | Native.ONonBlock);
        try
        {
            if (reader < 0 || !WriteCommand(Ports.FifoPath, Encoding.ASCII.GetBytes(":" + name + ":").Concat(Probe).Append((byte)'\n').ToArray()))
            {
                return false;
            }

            var reply = new List<byte>();
            var buffer = new byte[4096];
            for (var i = 0; i < 20 && !cancellationToken.IsCancellationRequested; i++)
            {
                int n;
                unsafe
                {
                    fixed (byte* p = buffer)
                    {
                        n = (int)Native.Read(reader, p, buffer.Length);
                    }
                }

                if (n > 0)
                {
                    reply.AddRange(buffer.AsSpan(0, n));
                    continue;
                }

                if (n == 0 && reply.Count > 0)
                {
                    break;
                }

                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }

            return IsUptimeReply(reply.ToArray());
        }
        finally
        {
            if (reader >= 0)
            {
                _ = Native.Close(reader);
            }

            TryDelete(replyPath);
        }
    }

    private static bool WriteCommand(string fifo, byte[] command)
    {
        // Non-blocking: no reader yet (ENXIO) just means "not ready".
        var fd = Native.Open(fifo, Native.OWrOnly | Native.ONonBlock);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            unsafe
            {
                fixed (byte* p = command)
                {
                    return Native.Write(fd, p, command.Length) == command.Length;
                }
            }
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static bool IsUptimeReply(ReadOnlySpan<byte> reply) => reply.IndexOf("\"Up time\""u8) >= 0;

    /// <summary>Stops the server (SIGTERM, then SIGKILL after 10 s) and every process it forked, and deletes its folder.</summary>
    /// <returns>A task that completes when everything is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var tree = Descendants(ProcessId);
        if (!_process.HasExited)
        {
            _ = Native.Kill(ProcessId, Native.SigTerm);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        // Children that outlived the main process (they normally exit with it).
        foreach (var pid in tree)
        {
            _ = Native.Kill(pid, Native.SigKill);
        }

        Running.TryRemove(this, out _);
        _process.Dispose();
        TryDelete(Ports.WorkDirectory);
    }

    private void StopNow()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var pid in Descendants(ProcessId).Append(ProcessId))
        {
            _ = Native.Kill(pid, Native.SigKill);
        }

        TryDelete(Ports.WorkDirectory);
    }

    /// <summary>Every live process below <paramref name="root"/>, read from /proc.</summary>
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
            }
        }

        var result = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var parent))
        {
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent)
                {
                    result.Add(pid);
                    frontier.Enqueue(pid);
                }
            }
        }

        return result;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private InvalidOperationException NotServed(string module) =>
        new($"this OpenSIPS instance does not serve {module} ({(Options.UnixDatagram ? "a unix mi_datagram instance serves only mi_datagram" : "start it with the option that enables it")})");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => $"OpenSIPS {Version} pid {ProcessId} ({DatagramUri})";

    private sealed class ServerStartException(string message, bool retryable) : Exception(message)
    {
        public bool Retryable { get; } = retryable;
    }
}
