using System.Text;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing.Tests.Http;

/// <summary>mi_http captures with a 200 reply replayed byte for byte (Date blanked, varying JSON values normalised).</summary>
public class HttpGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in WireData.Manifest("http").OfType<JsonObject>())
        {
            var name = (string)c["case"]!;

            // Covered elsewhere: needs 500 seeded AORs / an interim 100 Continue.
            if (name is "ul_dump_500_aors" or "http_expect_100")
            {
                continue;
            }

            if (c["status"] is JsonValue s && s.ToJsonString() == "200" && c["request"] is not null
                && WireData.Exists("http", name + ".request.http") && WireData.Exists("http", name + ".response.http")
                && WireData.Bytes("http", name + ".response.http").AsSpan().IndexOf("\"Status\""u8) < 0)
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Http_response_matches_the_capture(string name)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUdp = false, EnableUnix = false, EnableTracer = false }, cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(WireData.Bytes("http", name + ".request.http"), cts.Token);
        var (head, body) = await http.ReadResponseAsync(cts.Token);

        var expected = Encoding.ASCII.GetString(WireData.Bytes("http", name + ".response.http"));
        var expectedHead = expected[..(expected.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];
        var expectedBody = WireData.Bytes("http", name + ".response.http").AsSpan(Encoding.ASCII.GetByteCount(expectedHead));
        Assert.Equal(Strip(expectedHead), Strip(head));
        Assert.Equal(WireData.Normalize(expectedBody), WireData.Normalize(body));
    }

    private static string Strip(string head) =>
        string.Join("\r\n", RawHttp.WithoutDate(head).Split("\r\n").Where(l => !l.StartsWith("Content-Length", StringComparison.Ordinal)));
}
