using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Cli;

/// <summary>
/// The raw floors of <c>bench --raw</c>: the same pre-encoded request through bare sockets or FIFOs with the least work a
/// client can do, to compare the library with. Like <c>rawfloor.py</c>: C sockets (or connections) with one call in flight
/// each, served by ONE thread that waits on all of them; sequential runs are a plain blocking loop.
/// </summary>
internal static partial class RawSessions
{
    public static IBenchSession Create(MiConnectionOptions options, BenchPlan plan)
    {
        var request = EncodeOnce(options, plan);
        return options switch
        {
            DatagramOptions udp => new SocketSession(options.Timeout, Enumerable.Range(0, plan.Concurrency).Select(_ => UdpSocket(udp)).ToArray(), request, null, []),
            UnixDatagramOptions unix => UnixSession(unix, plan, request),
            HttpOptions http when http.Url.Scheme == Uri.UriSchemeHttp => HttpSession(http, plan, request),
            HttpOptions => throw new UsageException("--raw speaks plain http only; measure https through the library"),
            FifoOptions fifo => new FifoSession(fifo, plan, request),
            _ => throw new UsageException($"--raw does not support {options.GetType().Name}"),
        };
    }

    /// <summary>The request as the library would encode it, built once (JSON-RPC, or XML-RPC for xmlrpc+http).</summary>
    internal static byte[] EncodeOnce(MiConnectionOptions options, BenchPlan plan)
    {
        if (options is XmlRpcOptions)
        {
            var xml = new StringBuilder("<?xml version=\"1.0\"?>\n<methodCall><methodName>").Append(System.Security.SecurityElement.Escape(plan.Method)).Append("</methodName><params>");
            foreach (var value in plan.Parameters.Kind == MiParamsKind.Positional ? plan.Parameters.Values : [])
            {
                xml.Append(value.Kind == MiValueKind.Integer
                    ? string.Create(CultureInfo.InvariantCulture, $"<param><value><int>{value.AsInteger}</int></value></param>")
                    : $"<param><value><string>{System.Security.SecurityElement.Escape(value.ToString())}</string></value></param>");
            }

            return Encoding.UTF8.GetBytes(xml.Append("</params></methodCall>\n").ToString());
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            json.WriteString("method", plan.Method);
            if (plan.Parameters.Kind == MiParamsKind.Positional)
            {
                json.WriteStartArray("params");
                foreach (var value in plan.Parameters.Values)
                {
                    value.WriteTo(json);
                }

                json.WriteEndArray();
            }
            else if (plan.Parameters.Kind == MiParamsKind.Named)
            {
                json.WriteStartObject("params");
                foreach (var (name, value) in plan.Parameters.Members)
                {
                    json.WritePropertyName(name);
                    value.WriteTo(json);
                }

                json.WriteEndObject();
            }

            json.WriteNumber("id", 1);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static Socket UdpSocket(DatagramOptions options)
    {
        var address = IPAddress.TryParse(options.Host, out var literal) ? literal : Dns.GetHostAddresses(options.Host)[0];
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(address, options.Port));
        return socket;
    }

    private static SocketSession UnixSession(UnixDatagramOptions options, BenchPlan plan, byte[] request)
    {
        var paths = new List<string>();
        var sockets = new Socket[plan.Concurrency];
        for (var i = 0; i < sockets.Length; i++)
        {
            var path = Path.Combine(options.ClientSocketDirectory ?? Path.GetTempPath(), "opensips-mi-bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".sock");
            sockets[i] = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            sockets[i].Bind(new UnixDomainSocketEndPoint(path));
            paths.Add(path);
        }

        return new SocketSession(options.Timeout, sockets, request, new UnixDomainSocketEndPoint(options.SocketPath), paths);
    }

    private static SocketSession HttpSession(HttpOptions options, BenchPlan plan, byte[] body)
    {
        var head = $"POST {options.Url.PathAndQuery} HTTP/1.1\r\nHost: {options.Url.Authority}\r\nContent-Type: {(options is XmlRpcOptions ? "text/xml" : "application/json")}\r\nContent-Length: {body.Length}\r\n\r\n";
        var request = Encoding.ASCII.GetBytes(head).Concat(body).ToArray();
        var address = IPAddress.TryParse(options.Url.IdnHost, out var literal) ? literal : Dns.GetHostAddresses(options.Url.IdnHost)[0];
        var sockets = Enumerable.Range(0, plan.Concurrency).Select(_ =>
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(new IPEndPoint(address, options.Url.Port));
            return socket;
        }).ToArray();
        return new SocketSession(options.Timeout, sockets, request, null, [], http: true);
    }

    /// <summary>C sockets, one call in flight on each, all served by one thread.</summary>
    private sealed class SocketSession(TimeSpan timeout, Socket[] sockets, byte[] request, EndPoint? to, List<string> paths, bool http = false) : IBenchSession
    {
        private readonly byte[][] _buffers = sockets.Select(_ => new byte[1 << 20]).ToArray();
        private readonly int[] _filled = new int[sockets.Length];
        private readonly long[] _sentAt = new long[sockets.Length];

        public Task RunAsync(BenchState state, CancellationToken cancellationToken) =>
            Task.Factory.StartNew(() => Run(state, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        private void Run(BenchState state, CancellationToken ct)
        {
            var latencies = state.NewWorkerLog();
            var inFlight = new bool[sockets.Length];
            var waiting = 0;
            for (var i = 0; i < sockets.Length && state.TryTake(); i++)
            {
                Send(i);
                inFlight[i] = true;
                waiting++;
            }

            var ready = new List<Socket>(sockets.Length);
            var timeoutMicros = (int)Math.Min(timeout.TotalMicroseconds, int.MaxValue);
            while (waiting > 0)
            {
                ready.Clear();
                for (var i = 0; i < sockets.Length; i++)
                {
                    if (inFlight[i])
                    {
                        ready.Add(sockets[i]);
                    }
                }

                Socket.Select(ready, null, null, timeoutMicros);
                if (ready.Count == 0)
                {
                    // Nothing within the timeout: every call in flight counts as an error.
                    for (var i = 0; i < waiting; i++)
                    {
                        state.Complete($"no reply within {timeout.TotalSeconds:0.###} s", mi: false);
                    }

                    return;
                }

                foreach (var socket in ready)
                {
                    var i = Array.IndexOf(sockets, socket);
                    if (!Receive(i, out var error))
                    {
                        continue;
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(_sentAt[i]).TotalMilliseconds);
                    state.Complete(error, mi: false);
                    if (!ct.IsCancellationRequested && state.TryTake())
                    {
                        Send(i);
                    }
                    else
                    {
                        inFlight[i] = false;
                        waiting--;
                    }
                }
            }
        }

        private void Send(int i)
        {
            _sentAt[i] = Stopwatch.GetTimestamp();
            _filled[i] = 0;
            _ = to is null ? sockets[i].Send(request) : sockets[i].SendTo(request, to);
        }

        /// <summary>Reads what is there; true once a whole reply is in (a datagram, or an HTTP response by Content-Length).</summary>
        private bool Receive(int i, out string? error)
        {
            error = null;
            var buffer = _buffers[i];
            var count = sockets[i].Receive(buffer, _filled[i], buffer.Length - _filled[i], SocketFlags.None);
            if (!http)
            {
                return true;
            }

            if (count == 0)
            {
                error = "the server closed the connection";
                return true;
            }

            _filled[i] += count;
            var data = buffer.AsSpan(0, _filled[i]);
            var end = data.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                return false;
            }

            var at = data[..end].IndexOf("Content-Length: "u8);
            if (at < 0 || !Utf8Parser.TryParse(data[(at + 16)..], out int length, out _))
            {
                error = "no Content-Length: " + Encoding.ASCII.GetString(data[..Math.Min(end, 40)]);
                return true;
            }

            if (_filled[i] < end + 4 + length)
            {
                return false;
            }

            if (!data.StartsWith("HTTP/1.1 200"u8))
            {
                error = Encoding.ASCII.GetString(data[..Math.Min(end, 40)]);
            }

            return true;
        }

        public ValueTask DisposeAsync()
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            foreach (var path in paths)
            {
                File.Delete(path);
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>C workers, each with its own reply FIFO created once and reused (as a bare client would), on dedicated threads (FIFO opens block).</summary>
    private sealed class FifoSession(FifoOptions options, BenchPlan plan, byte[] request) : IBenchSession
    {
        public Task RunAsync(BenchState state, CancellationToken cancellationToken) =>
            Task.WhenAll(Enumerable.Range(0, plan.Concurrency).Select(_ => Task.Factory.StartNew(() => Worker(state, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        private void Worker(BenchState state, CancellationToken ct)
        {
            var name = "osmi_bench_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var path = Path.Combine(options.ReplyDirectory, name);
            if (MakeFifo(path, Convert.ToUInt32("622", 8)) != 0)
            {
                throw new MiTransportException($"cannot create the reply FIFO {path}: errno {Marshal.GetLastPInvokeError()}");
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
            }

            var command = new byte[request.Length + name.Length + 3];
            command[0] = (byte)':';
            Encoding.ASCII.GetBytes(name, command.AsSpan(1));
            command[name.Length + 1] = (byte)':';
            request.CopyTo(command, name.Length + 2);
            command[^1] = (byte)'\n';
            var latencies = state.NewWorkerLog();
            var buffer = new byte[65536];
            try
            {
                using var server = new FileStream(options.FifoPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
                while (!ct.IsCancellationRequested && state.TryTake())
                {
                    var started = Stopwatch.GetTimestamp();
                    server.Write(command);
                    using (var reply = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0))
                    {
                        while (reply.Read(buffer) > 0)
                        {
                        }
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    state.Complete(null, mi: false);
                }
            }
            finally
            {
                File.Delete(path);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);
}
