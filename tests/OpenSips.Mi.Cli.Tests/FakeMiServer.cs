using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli.Tests;

/// <summary>
/// A tiny mi_datagram stand-in on 127.0.0.1:0 for the CLI tests: answers canned JSON-RPC replies (echoing the id),
/// records every request, and stays silent for the method <c>silent</c>.
/// </summary>
internal sealed class FakeMiServer : IAsyncDisposable, IEmulatedServer
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeMiServer(string name = "proxy")
    {
        Name = name;
        _loop = Task.Run(LoopAsync);
    }

    public string Name { get; }

    public string Url => $"udp://127.0.0.1:{((IPEndPoint)_socket.Client.LocalEndPoint!).Port}";

    public IReadOnlyList<string> Endpoints => [Url];

    public IReadOnlyList<string> Notes => [];

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The <c>params</c> of the last request, as compact JSON ("" when absent).</summary>
    public string LastParams
    {
        get
        {
            using var doc = JsonDocument.Parse(Requests.Last());
            return doc.RootElement.TryGetProperty("params", out var p) ? p.GetRawText() : string.Empty;
        }
    }

    public long RequestsReceived { get; set; } = 100;

    /// <summary>The names <c>which</c> answers (a 3.6 server's by default).</summary>
    public string WhichResult { get; set; } = """["get_statistics","uptime","ps","which","ul_show_contact"]""";

    private string? Answer(string method, JsonElement? parameters) => method switch
    {
        "uptime" => """{"result":{"Now":"Thu Nov 26 16:28:24 2026","Up since":"Thu Nov 26 16:28:17 2026","Up time":"93784 [sec]"}}""",
        "version" => $$$"""{"result":{"Server":"OpenSIPS (3.6.8 (x86_64/linux))","Name":"{{{Name}}}"}}""",
        "which" => $$"""{"result":{{WhichResult}}}""",
        "ps" => """{"result":{"Processes":[{"ID":0,"PID":22393,"Type":"attendant"},{"ID":1,"PID":22395,"Type":"HTTPD 127.0.0.1:8888"}]}}""",
        "get_statistics" => $$$"""{"result":{"dialog:active_dialogs":3,"dialog:early_dialogs":1,"dialog:processed_dialogs":10,"tm:UAS_transactions":5,"tm:UAC_transactions":2,"tm:inuse_transactions":1,"core:rcv_requests":{{{RequestsReceived += 10}}},"usrloc:location-contacts":2,"shmem:total_size":33554432,"shmem:real_used_size":3795848}}""",
        "ul_show_contact" => """{"error":{"code":404,"message":"AOR not found"}}""",
        "log_level" when parameters is { ValueKind: JsonValueKind.Array } p && p.GetArrayLength() > 1 => """{"error":{"code":-32602,"message":"Invalid params","data":"Too few or too many parameters"}}""",
        "echo" => $$"""{"result":{{(parameters is { } e ? e.GetRawText() : "null")}}}""",
        "silent" => null,
        _ => """{"error":{"code":-32601,"message":"Method not found"}}""",
    };

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            var text = Encoding.UTF8.GetString(datagram.Buffer);
            Requests.Enqueue(text);
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var method = root.GetProperty("method").GetString()!;
            JsonElement? parameters = root.TryGetProperty("params", out var p) ? p : null;
            var answer = Answer(method, parameters);
            if (answer is null)
            {
                continue;
            }

            var reply = "{\"jsonrpc\":\"2.0\"," + answer[1..^1] + ",\"id\":" + root.GetProperty("id").GetRawText() + "}";
            await _socket.SendAsync(Encoding.UTF8.GetBytes(reply), datagram.RemoteEndPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
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

/// <summary>An emulator factory that hands out a <see cref="FakeMiServer"/> (until the real emulator is merged).</summary>
internal sealed class FakeEmulatorFactory : IEmulatorFactory
{
    public EmulatorRequest? LastRequest { get; private set; }

    public Task<IEmulatedServer> StartAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        LastRequest = request;
        return Task.FromResult<IEmulatedServer>(new FakeMiServer("emulated"));
    }
}
