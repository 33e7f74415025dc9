using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Tests.Support;

/// <summary>One request the fake server received.</summary>
internal sealed record FakeRequest(string Text, string Method, JsonElement? Params, int Id)
{
    /// <summary>The params member as compact JSON, or null when absent.</summary>
    public string? ParamsJson => Params?.GetRawText();

    /// <summary>The exact bytes a client should send for <paramref name="method"/> and <paramref name="paramsJson"/> with this request's id.</summary>
    public string Expected(string method, string? paramsJson) => paramsJson is null
        ? $"{{\"jsonrpc\":\"2.0\",\"method\":{JsonSerializer.Serialize(method)},\"id\":{Id}}}"
        : $"{{\"jsonrpc\":\"2.0\",\"method\":{JsonSerializer.Serialize(method)},\"params\":{paramsJson},\"id\":{Id}}}";
}

/// <summary>
/// A test-only mi_datagram server on 127.0.0.1:0: records each datagram and answers with canned JSON carrying the
/// request's id. The handler returns the reply member (<c>"result":…</c> or <c>"error":…</c>) or null for no reply.
/// </summary>
internal sealed class FakeMiServer : IAsyncDisposable
{
    private readonly UdpClient _udp;
    private readonly Func<FakeRequest, string?> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private FakeMiServer(Func<FakeRequest, string?> handler)
    {
        _handler = handler;
        _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(LoopAsync);
    }

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

    public string Uri => $"udp://127.0.0.1:{Port}";

    /// <summary>The one request received (fails when there were none or several).</summary>
    public FakeRequest Single => Assert.Single(Requests);

    public static FakeMiServer Start(Func<FakeRequest, string?> handler) => new(handler);

    /// <summary>Answers each method with the given result JSON; other methods get -32601.</summary>
    public static FakeMiServer WithResults(IReadOnlyDictionary<string, string> resultsByMethod) =>
        new(request => resultsByMethod.TryGetValue(request.Method, out var result) ? Result(result) : MethodNotFound);

    /// <summary>Answers every request with the same result.</summary>
    public static FakeMiServer Answering(string resultJson) => new(_ => Result(resultJson));

    public static string Result(string json) => "\"result\":" + json;

    public static string Error(int code, string message, string? data = null) =>
        $"\"error\":{{\"code\":{code},\"message\":{JsonSerializer.Serialize(message)}{(data is null ? string.Empty : ",\"data\":" + JsonSerializer.Serialize(data))}}}";

    public const string MethodNotFound = "\"error\":{\"code\":-32601,\"message\":\"Method not found\"}";

    public MiClient Connect(TimeSpan? timeout = null) =>
        MiClient.Connect(new DatagramOptions("127.0.0.1", Port) { Timeout = timeout ?? TimeSpan.FromSeconds(5) });

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(datagram.Buffer);
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var request = new FakeRequest(
                text,
                root.GetProperty("method").GetString()!,
                root.TryGetProperty("params", out var p) ? p.Clone() : null,
                root.GetProperty("id").GetInt32());
            Requests.Enqueue(request);
            var member = _handler(request);
            if (member is null)
            {
                continue;
            }

            var reply = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",{member},\"id\":{request.Id}}}");
            await _udp.SendAsync(reply, datagram.RemoteEndPoint, _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
