using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli;

/// <summary>What <c>bench</c> runs: a command, how many calls (or for how long) and how many in flight.</summary>
internal sealed record BenchPlan(string Method, MiParams Parameters, int Requests, TimeSpan? Duration, int Concurrency, bool Raw);

/// <summary>The outcome of a <c>bench</c> run.</summary>
internal sealed record BenchReport(string Target, BenchPlan Plan, int Calls, int Errors, int MiErrors, TimeSpan Elapsed, double[] LatenciesMs, string? FirstError)
{
    public double CallsPerSecond => Elapsed > TimeSpan.Zero ? Calls / Elapsed.TotalSeconds : 0;

    public int ExitCode => Errors == 0 ? ExitCodes.Success : Errors == MiErrors ? ExitCodes.MiError : ExitCodes.Transport;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1;
        return LatenciesMs[Math.Clamp(rank, 0, LatenciesMs.Length - 1)];
    }

    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("target", Target);
            json.WriteString("command", Plan.Method);
            json.WriteString("mode", Plan.Raw ? "raw" : "library");
            json.WriteNumber("requests", Calls);
            json.WriteNumber("errors", Errors);
            json.WriteNumber("concurrency", Plan.Concurrency);
            json.WriteNumber("seconds", Math.Round(Elapsed.TotalSeconds, 3));
            json.WriteNumber("calls_per_second", Math.Round(CallsPerSecond, 1));
            json.WriteNumber("p50_ms", Math.Round(Percentile(50), 3));
            json.WriteNumber("p90_ms", Math.Round(Percentile(90), 3));
            json.WriteNumber("p99_ms", Math.Round(Percentile(99), 3));
            json.WriteNumber("max_ms", Math.Round(LatenciesMs.Length == 0 ? 0 : LatenciesMs[^1], 3));
            if (FirstError is not null)
            {
                json.WriteString("first_error", FirstError);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public string ToText() => string.Create(CultureInfo.InvariantCulture, $"""
        {Plan.Method} on {Target} ({(Plan.Raw ? "raw" : "library")}, {Plan.Concurrency} in flight)
          calls      {Calls} in {Elapsed.TotalSeconds:0.000} s
          calls/s    {CallsPerSecond:0.0}
          errors     {Errors}{(FirstError is null ? "" : " (first: " + FirstError + ")")}
          latency    p50 {Percentile(50):0.000} ms  p90 {Percentile(90):0.000} ms  p99 {Percentile(99):0.000} ms  max {(LatenciesMs.Length == 0 ? 0 : LatenciesMs[^1]):0.000} ms
        """);
}

/// <summary>Runs a <see cref="BenchPlan"/> through the library (one <see cref="MiClient"/>) or through bare sockets, HttpClient or FIFOs.</summary>
internal static partial class BenchRunner
{
    public static async Task<BenchReport> RunAsync(MiConnectionOptions options, BenchPlan plan, CliEnvironment? progress, CancellationToken cancellationToken)
    {
        var state = new BenchState(plan);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (plan.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var watch = Stopwatch.StartNew();
        var reporter = progress is null ? Task.CompletedTask : ReportProgressAsync(progress, state, watch, stop.Token);
        var endpoint = options.ToUriString();
        try
        {
            if (plan.Raw)
            {
                await RawAsync(options, plan, state, stop.Token).ConfigureAwait(false);
            }
            else
            {
                await using var client = MiClient.Connect(options);
                await Task.WhenAll(Enumerable.Range(0, plan.Concurrency).Select(_ => Task.Run(() => LibraryWorkerAsync(client, plan, state, stop.Token), CancellationToken.None))).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The duration is over.
        }

        watch.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        await reporter.ConfigureAwait(false);
        if (progress is not null && progress.OutputIsTerminal)
        {
            await progress.Error.WriteAsync("\r\u001b[K").ConfigureAwait(false);
        }

        var latencies = state.Latencies();
        Array.Sort(latencies);
        return new BenchReport(endpoint, plan, state.Completed, state.Errors, state.MiErrors, watch.Elapsed, latencies, state.FirstError);
    }

    private static async Task LibraryWorkerAsync(MiClient client, BenchPlan plan, BenchState state, CancellationToken ct)
    {
        var latencies = state.NewWorkerLog();
        while (!ct.IsCancellationRequested && state.TryTake())
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var response = await client.CommandAsync(plan.Method, plan.Parameters, ct).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                state.Complete(response.IsSuccess ? null : "error " + response.Error.Code.ToString(CultureInfo.InvariantCulture) + ": " + response.Error.Message, mi: true);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (MiException ex)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                state.Complete(ex.Message, mi: false);
            }
            catch (TimeoutException ex)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                state.Complete(ex.Message, mi: false);
            }
        }
    }

    private static async Task ReportProgressAsync(CliEnvironment env, BenchState state, Stopwatch watch, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(env.OutputIsTerminal ? 250 : 1000), ct).ConfigureAwait(false);
                var seconds = watch.Elapsed.TotalSeconds;
                var line = string.Create(CultureInfo.InvariantCulture, $"{state.Completed} calls, {state.Completed / Math.Max(seconds, 1e-9):0} calls/s, {state.Errors} errors, {seconds:0.0} s");
                await (env.OutputIsTerminal ? env.Error.WriteAsync("\r\u001b[K" + line) : env.Error.WriteLineAsync(line)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
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

        var buffer = new ArrayBufferWriter<byte>();
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

    private static Task RawAsync(MiConnectionOptions options, BenchPlan plan, BenchState state, CancellationToken ct)
    {
        var request = EncodeOnce(options, plan);
        return options switch
        {
            DatagramOptions udp => RawDatagramAsync(CreateUdpSocket(udp), null, request, options.Timeout, state, ct),
            UnixDatagramOptions unix => RawUnixAsync(unix, request, state, ct),
            HttpOptions http => RawHttpAsync(http, request, state, ct),
            FifoOptions fifo => RawFifoAsync(fifo, request, state, ct),
            _ => throw new UsageException($"--raw does not support {options.GetType().Name}"),
        };
    }

    private static Socket CreateUdpSocket(DatagramOptions options)
    {
        var address = IPAddress.TryParse(options.Host, out var literal) ? literal : Dns.GetHostAddresses(options.Host)[0];
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(address, options.Port));
        return socket;
    }

    private static async Task RawUnixAsync(UnixDatagramOptions options, byte[] request, BenchState state, CancellationToken ct)
    {
        var path = Path.Combine(options.ClientSocketDirectory ?? Path.GetTempPath(), "opensips-mi-bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            await RawDatagramAsync(socket, new UnixDomainSocketEndPoint(options.SocketPath), request, options.Timeout, state, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>One socket, C requests outstanding: every reply received sends the next request. Latency is measured against the oldest send.</summary>
    private static async Task RawDatagramAsync(Socket socket, EndPoint? to, byte[] request, TimeSpan timeout, BenchState state, CancellationToken ct)
    {
        using (socket)
        {
            var sent = new Queue<long>();
            var latencies = state.NewWorkerLog();
            var buffer = new byte[65536];
            async ValueTask SendAsync()
            {
                sent.Enqueue(Stopwatch.GetTimestamp());
                _ = to is null ? await socket.SendAsync(request, SocketFlags.None, ct).ConfigureAwait(false) : await socket.SendToAsync(request, SocketFlags.None, to, ct).ConfigureAwait(false);
            }

            for (var i = 0; i < state.Plan.Concurrency && state.TryTake(); i++)
            {
                await SendAsync().ConfigureAwait(false);
            }

            while (sent.Count > 0)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(timeout);
                try
                {
                    _ = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Lost: every outstanding request counts as an error.
                    while (sent.Count > 0)
                    {
                        sent.Dequeue();
                        state.Complete($"no reply within {timeout.TotalSeconds:0.###} s", mi: false);
                    }

                    return;
                }

                latencies.Add(Stopwatch.GetElapsedTime(sent.Dequeue()).TotalMilliseconds);
                state.Complete(null, mi: false);
                if (!ct.IsCancellationRequested && state.TryTake())
                {
                    await SendAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task RawHttpAsync(HttpOptions options, byte[] request, BenchState state, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = options.Timeout };
        var contentType = new System.Net.Http.Headers.MediaTypeHeaderValue(options is XmlRpcOptions ? "text/xml" : "application/json");
        await Task.WhenAll(Enumerable.Range(0, state.Plan.Concurrency).Select(worker => Task.Run(async () =>
        {
            var latencies = state.NewWorkerLog();
            while (!ct.IsCancellationRequested && state.TryTake())
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(request);
                    content.Headers.ContentType = contentType;
                    using var response = await http.PostAsync(options.Url, content, ct).ConfigureAwait(false);
                    _ = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    state.Complete(response.StatusCode == HttpStatusCode.OK ? null : "HTTP " + (int)response.StatusCode, mi: false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    state.Complete(ex.Message, mi: false);
                }
            }
        }, CancellationToken.None))).ConfigureAwait(false);
    }

    /// <summary>C workers, each with its own reply FIFO created once and reused (as a bare client would), on dedicated threads (FIFO opens block).</summary>
    private static async Task RawFifoAsync(FifoOptions options, byte[] request, BenchState state, CancellationToken ct)
    {
        var workers = Enumerable.Range(0, state.Plan.Concurrency).Select(_ => Task.Factory.StartNew(() =>
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
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    /// <summary>Counters shared by the workers; each worker keeps its own latency log.</summary>
    private sealed class BenchState(BenchPlan plan)
    {
        private readonly Lock _gate = new();
        private readonly List<List<double>> _logs = [];
        private int _taken;
        private int _completed;
        private int _errors;
        private int _miErrors;
        private string? _firstError;

        public BenchPlan Plan => plan;

        public int Completed => Volatile.Read(ref _completed);

        public int Errors => Volatile.Read(ref _errors);

        public int MiErrors => Volatile.Read(ref _miErrors);

        public string? FirstError => Volatile.Read(ref _firstError);

        public bool TryTake() => Interlocked.Increment(ref _taken) <= plan.Requests;

        public void Complete(string? error, bool mi)
        {
            Interlocked.Increment(ref _completed);
            if (error is not null)
            {
                Interlocked.Increment(ref _errors);
                if (mi)
                {
                    Interlocked.Increment(ref _miErrors);
                }

                Interlocked.CompareExchange(ref _firstError, error, null);
            }
        }

        public List<double> NewWorkerLog()
        {
            var log = new List<double>((int)Math.Min(((long)plan.Requests / plan.Concurrency) + 1, 1 << 16));
            lock (_gate)
            {
                _logs.Add(log);
            }

            return log;
        }

        public double[] Latencies()
        {
            lock (_gate)
            {
                return _logs.SelectMany(l => l).ToArray();
            }
        }
    }
}
