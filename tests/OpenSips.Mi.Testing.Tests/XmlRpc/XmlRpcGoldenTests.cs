using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenSips.Mi.Testing.Tests.XmlRpc;

/// <summary>mi_xmlrpc_ng captures replayed: responses and faults byte for byte, apart from values that vary between runs.</summary>
public partial class XmlRpcGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in WireData.Manifest("xmlrpc").OfType<JsonObject>())
        {
            var name = (string)c["case"]!;
            if (c["response_body"] is not null && WireData.Exists("xmlrpc", name + ".request.http")
                && WireData.Bytes("xmlrpc", name + ".response.body").AsSpan().IndexOf("<name>Status</name>"u8) < 0)
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task XmlRpc_response_matches_the_capture(string name)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUdp = false, EnableUnix = false, EnableTracer = false }, cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.XmlRpcUri, cts.Token);
        await http.SendAsync(WireData.Bytes("xmlrpc", name + ".request.http"), cts.Token);
        var (head, body) = await http.ReadResponseAsync(cts.Token);

        var expectedHead = Encoding.ASCII.GetString(WireData.Bytes("xmlrpc", name + ".response.http")).Split("\r\n\r\n")[0] + "\r\n\r\n";
        Assert.Equal(Strip(expectedHead), Strip(head));
        Assert.Equal(Normalize(WireData.Bytes("xmlrpc", name + ".response.body")), Normalize(body));
    }

    [Fact]
    public async Task Application_xml_content_type_closes_without_response()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(cancellationToken: cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.XmlRpcUri, cts.Token);
        await http.SendAsync(WireData.Bytes("xmlrpc", "ctype_application_xml.request.http"), cts.Token);
        Assert.True(await http.IsClosedByServerAsync(cts.Token));
    }

    [Fact]
    public async Task Raw_CRLF_in_a_string_arrives_as_LF_and_entity_CR_stays_CR()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(cancellationToken: cts.Token);
        emulator.UacResponder = (uac, _) => Task.FromResult(MiUac.Final("200 OK", MiUac.ReplyMessage(uac)));
        foreach (var name in new[] { "t_uac_dlg_notify_raw_crlf", "t_uac_dlg_notify_entity_crlf" })
        {
            using var http = await RawHttp.ConnectAsync(emulator.XmlRpcUri, cts.Token);
            await http.SendAsync(WireData.Bytes("xmlrpc", name + ".request.http"), cts.Token);
            var (_, body) = await http.ReadResponseAsync(cts.Token);
            Assert.Contains("<name>Status</name><value><string>200 OK</string>", Encoding.UTF8.GetString(body));
        }

        var headers = emulator.Received.Where(r => r.Transport == MiTransport.XmlRpc).Select(r => r.GetString("headers")!).ToList();
        Assert.DoesNotContain("\r", headers[0]);
        Assert.Contains("\r\n", headers[1]);
    }

    private static string Strip(string head) =>
        string.Join("\r\n", RawHttp.WithoutDate(head).Split("\r\n").Where(l => !l.StartsWith("Content-Length", StringComparison.Ordinal)));

    private static string Normalize(byte[] body) =>
        Varying().Replace(Encoding.UTF8.GetString(body), "$1<$3>*</$3>");

    [GeneratedRegex(@"(<name>(Now|Up since|Up time|Expires|PID|ContactID|[^<]*:[^<]*)</name><value>)<(\w+)>[^<]*</\w+>")]
    private static partial Regex Varying();
}
