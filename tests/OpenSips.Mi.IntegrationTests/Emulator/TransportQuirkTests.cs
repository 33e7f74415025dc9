using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.Testing;
using OpenSips.Mi.Testing.Tests;

namespace OpenSips.Mi.IntegrationTests.Emulator;

/// <summary>
/// The transport-level quirks the captures show (how mi_datagram and mi_http answer malformed, odd or plain-text
/// requests), replayed byte for byte against a real 3.6.8 and against the emulator: the real server must still answer
/// as captured, and the emulator as the real server. Times and other varying values are scrubbed first.
/// </summary>
[Collection(V36.Name)]
public sealed class TransportQuirks36(Servers36 servers) : RealServerTest<Servers36>(servers)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1000);

    public static TheoryData<string> DatagramCases() =>
    [
        "batch_request", "dg_empty_datagram", "dg_request_trailing_newline", "dg_request_utf8_bom", "dg_trailing_garbage",
        "dg_two_objects_one_datagram", "dg_request_65457_bytes", "dg_request_65458_bytes", "id_above_int32", "id_float",
        "id_int32_max", "id_negative", "id_null", "id_string", "id_string_unicode_escape", "id_zero", "invalid_id_object",
        "invalid_jsonrpc_1_0", "invalid_method_missing", "invalid_method_number", "invalid_no_jsonrpc", "invalid_params_scalar",
        "malformed_json", "malformed_json_garbage", "notification_invalid", "notification_unknown_method", "notification_uptime",
        "pretty_whitespace_request", "unknown_command",
    ];

    public static TheoryData<string> HttpCases() =>
    [
        "http_get", "http_get_with_query", "http_put", "http_head", "http_wrong_root", "http_subpath", "http_root_trailing_slash",
        "http_get_slash", "http_http10", "http_connection_close", "http_ctype_missing", "http_ctype_text_plain", "http_ctype_form",
        "http_ctype_text_xml_json_body", "http_empty_body", "http_charset_utf8", "http_chunked_request", "http_expect_100", "malformed_json",
        "batch_request", "notification_uptime", "invalid_id_object", "id_float",
    ];

    public static TheoryData<string> XmlRpcCases() =>
    [
        "malformed_xml", "no_methodname", "not_methodcall", "log_level_untyped_value", "log_level_boolean", "log_level_double",
        "array_containing_struct", "ul_show_contact_empty_string", "unknown_method",
        "t_uac_dlg_positional_rejected", "log_level_bad_type", "log_level_too_many", "log_level_bad_name", "help_unknown",
        "ctype_application_xml",
    ];

    [Theory]
    [MemberData(nameof(DatagramCases))]
    public async Task A_datagram_quirk_still_holds_on_the_real_server_and_the_emulator_answers_the_same(string name)
    {
        var request = WireData.Bytes("datagram", name + ".request");
        var captured = Enumerable.Range(0, 4)
            .Select(i => i == 0 ? name + ".response" : $"{name}.response.{i}")
            .Where(f => WireData.Exists("datagram", f))
            .Select(f => WireData.Normalize(WireData.Bytes("datagram", f)))
            .ToList();
        var real = await DatagramAsync(new IPEndPoint(IPAddress.Loopback, Servers.Main.Ports.MiDatagram), request);
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableHttp = false }, Ct);
        var emulated = await DatagramAsync(emulator.UdpEndPoint, request);
        Assert.Equal(captured, real);
        Assert.Equal(real, emulated);
    }

    [Theory]
    [MemberData(nameof(HttpCases))]
    public Task An_http_quirk_still_holds_on_the_real_server_and_the_emulator_answers_the_same(string name) => HttpCaseAsync("http", name);

    [Theory]
    [MemberData(nameof(XmlRpcCases))]
    public Task An_xmlrpc_quirk_still_holds_on_the_real_server_and_the_emulator_answers_the_same(string name) => HttpCaseAsync("xmlrpc", name);

    private async Task HttpCaseAsync(string folder, string name)
    {
        var request = WireData.Bytes(folder, name + ".request.http");
        var capturedFile = name + ".response.http";
        var captured = WireData.Exists(folder, capturedFile) ? Summary(WireData.Bytes(folder, capturedFile)) : "(closed without a response)";
        var real = await HttpAsync(Servers.Main.Ports.Http, request);

        // The fixture's httpd takes 8 KiB bodies (receive_buf_size 8192); the emulator is told the same.
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false, HttpReceiveBufferSize = 8192 }, Ct);
        var emulated = await HttpAsync(emulator.HttpUri.Port, request);
        Assert.Equal(captured, real);
        Assert.Equal(real, emulated);
    }

    private static async Task<List<string>> DatagramAsync(IPEndPoint to, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await socket.SendToAsync(request, SocketFlags.None, to, Ct);
        var replies = new List<string>();
        var buffer = new byte[65536];
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(Quiet);
            try
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                replies.Add(WireData.Normalize(buffer.AsSpan(0, n)));
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                return replies;
            }
        }
    }

    /// <summary>The status line and the scrubbed body of the first response, or how the connection ended without one.</summary>
    private static async Task<string> HttpAsync(int port, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, Ct);
        var stream = client.GetStream();
        await stream.WriteAsync(request, Ct);
        var received = new MemoryStream();
        var buffer = new byte[65536];
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(Quiet);
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, wait.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                break;
            }
            catch (IOException)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
            if (Complete(received.ToArray()))
            {
                break;
            }
        }

        return received.Length == 0 ? "(closed without a response)" : Summary(received.ToArray());
    }

    private static bool Complete(byte[] response)
    {
        var text = Encoding.Latin1.GetString(response);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = text[..end].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null && response.Length >= end + 4 + int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Summary(byte[] response)
    {
        var text = Encoding.UTF8.GetString(response);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var status = text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
        var body = end < 0 ? string.Empty : text[(end + 4)..];

        // HTTP/1.1 100 Continue before the real response: skip it.
        if (status.Contains(" 100 ", StringComparison.Ordinal) && end >= 0)
        {
            return Summary(response[(Encoding.UTF8.GetByteCount(text[..(end + 4)]))..]);
        }

        return status + "\n" + (body.Length == 0 ? string.Empty : WireData.Normalize(Encoding.UTF8.GetBytes(body)));
    }
}
