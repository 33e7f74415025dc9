// Native AOT / trimming smoke test: published by .ci/run with PublishAot, which fails on any IL2xxx/IL3xxx warning, then
// run against the tiny mi_datagram responder below (no OpenSIPS and no emulator needed).
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenSips.Mi;
using OpenSips.Mi.Commands;
using OpenSips.Mi.Trace;

using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
var port = ((IPEndPoint)server.Client.LocalEndPoint!).Port;
using var stop = new CancellationTokenSource();
var responder = RespondAsync(server, stop.Token);

// The DI path: source-generated configuration binding, keyed client, logging.
var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection([new("OpenSipsMi:Url", $"udp://127.0.0.1:{port}"), new("OpenSipsMi:Timeout", "00:00:02")])
    .Build();
var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
services.AddOpenSipsMi("smoke", configuration.GetSection("OpenSipsMi"));
await using var provider = services.BuildServiceProvider();
var mi = provider.GetRequiredKeyedService<MiClient>("smoke");

var uptime = await mi.UptimeAsync();
var stats = await mi.GetStatisticsAsync("dialog:");
var raw = await mi.CommandAsync("log_level", MiParams.Named(("level", 3), ("pid", 1234)));

// The trace path: trace_start (the responder says OK), a HEP3 datagram to the listener, trace_stop on dispose.
SipTraceMessage? traced;
await using (var trace = await mi.TraceAsync())
{
    using var hep = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    await hep.SendAsync(Hep3("OPTIONS sip:smoke@127.0.0.1 SIP/2.0\r\nCall-ID: aot-1\r\nCSeq: 1 OPTIONS\r\n\r\n"), (IPEndPoint)trace.LocalEndPoint);
    using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
    await using var messages = trace.ReadAllAsync(wait.Token).GetAsyncEnumerator(wait.Token);
    traced = await messages.MoveNextAsync() ? messages.Current : null;
}

await stop.CancelAsync();
await responder;

var ok = uptime.UpTime == TimeSpan.FromSeconds(3430) && stats.Count == 1 && raw.IsSuccess && traced?.CallId == "aot-1";
Console.WriteLine(ok ? $"AOT smoke OK: up {uptime.UpTime}, {stats.Count} statistic, log_level {raw.GetResult()}" : "AOT smoke FAILED");
return ok ? 0 : 1;

// A minimal HEP3 packet: IPv4 family, UDP, ports 5060, addresses 127.0.0.1, SIP payload.
static byte[] Hep3(string sip)
{
    byte[][] chunks =
    [
        [0, 0, 0, 1, 0, 7, 2], [0, 0, 0, 2, 0, 7, 17], [0, 0, 0, 7, 0, 8, 0x13, 0xc4], [0, 0, 0, 8, 0, 8, 0x13, 0xc4],
        [0, 0, 0, 3, 0, 10, 127, 0, 0, 1], [0, 0, 0, 4, 0, 10, 127, 0, 0, 1],
        [0, 0, 0, 0x0f, (byte)((sip.Length + 6) >> 8), (byte)(sip.Length + 6), .. Encoding.ASCII.GetBytes(sip)],
    ];
    var length = 6 + chunks.Sum(c => c.Length);
    return [.. "HEP3"u8, (byte)(length >> 8), (byte)length, .. chunks.SelectMany(c => c)];
}

static async Task RespondAsync(UdpClient server, CancellationToken cancellationToken)
{
    try
    {
        while (true)
        {
            var received = await server.ReceiveAsync(cancellationToken);
            using var request = JsonDocument.Parse(received.Buffer);
            var id = request.RootElement.GetProperty("id").GetInt32();
            var result = request.RootElement.GetProperty("method").GetString() switch
            {
                "uptime" => """{"Now":"Thu Nov 26 18:00:00 2026","Up since":"Thu Nov 26 17:02:50 2026","Up time":"3430 [sec]"}""",
                "get_statistics" => """{"dialog:active_dialogs":3}""",
                _ => """{"New logging level":3}""",
            };
            var reply = Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","result":{{result}},"id":{{id}}}""");
            await server.SendAsync(reply, received.RemoteEndPoint, cancellationToken);
        }
    }
    catch (OperationCanceledException)
    {
    }
}
