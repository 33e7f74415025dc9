using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace OpenSips.Mi.IntegrationTests.Emulator;

/// <summary>How a comparison request travels: the MI encodings whose replies can differ.</summary>
public enum WireTransport
{
    /// <summary>mi_http: JSON-RPC in an HTTP POST.</summary>
    Http,

    /// <summary>mi_datagram over UDP: JSON-RPC in one datagram.</summary>
    Datagram,

    /// <summary>mi_xmlrpc(_ng): XML-RPC in an HTTP POST.</summary>
    XmlRpc,
}

/// <summary>What came back, reduced to what a shape comparison reads.</summary>
/// <param name="Kind"><c>result</c>, <c>error</c>, <c>text</c> (a plain-text datagram), <c>http</c> (a non-200 status) or <c>none</c>.</param>
/// <param name="Result">The result value (XML-RPC values converted: struct → object, int → integer, double → fractional number).</param>
/// <param name="Code">The error code (XML-RPC faultCode), or the HTTP status for <c>http</c>.</param>
/// <param name="Message">The error message (XML-RPC faultString), or the plain text.</param>
/// <param name="Data">The JSON-RPC error data.</param>
/// <param name="Raw">The reply body as received, for the failure message.</param>
public sealed record WireReply(string Kind, JsonNode? Result, int Code, string? Message, string? Data, string Raw)
{
    public override string ToString() => Raw.Length > 600 ? Raw[..600] + "…" : Raw;
}

/// <summary>
/// Sends one MI request as raw bytes (no library in between, so the comparison sees exactly what each server sent)
/// over mi_http, mi_datagram UDP or mi_xmlrpc, to a real OpenSIPS or to the emulator.
/// </summary>
public sealed class WireClient(Uri httpUri, Uri xmlRpcUri, IPEndPoint datagram) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http = new() { Timeout = Timeout };

    public async Task<WireReply> SendAsync(WireTransport transport, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        return transport switch
        {
            WireTransport.Http => await PostJsonAsync(method, parameters, cancellationToken),
            WireTransport.Datagram => await DatagramAsync(method, parameters, cancellationToken),
            _ => await PostXmlAsync(method, parameters, cancellationToken),
        };
    }

    public void Dispose() => _http.Dispose();

    public static byte[] JsonRequest(string method, JsonNode? parameters)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters.DeepClone();
        }

        request["id"] = 1;
        return Encoding.UTF8.GetBytes(request.ToJsonString());
    }

    private async Task<WireReply> PostJsonAsync(string method, JsonNode? parameters, CancellationToken ct)
    {
        using var content = new ByteArrayContent(JsonRequest(method, parameters));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(httpUri, content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.StatusCode == HttpStatusCode.OK ? FromJson(body) : new WireReply("http", null, (int)response.StatusCode, null, null, body);
    }

    private async Task<WireReply> DatagramAsync(string method, JsonNode? parameters, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await socket.SendToAsync(JsonRequest(method, parameters), SocketFlags.None, datagram, ct);
        var buffer = new byte[65536];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(Timeout);
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
            var text = Encoding.UTF8.GetString(buffer, 0, n);
            return text.StartsWith('{') ? FromJson(text) : new WireReply("text", null, 0, text, null, text);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WireReply("none", null, 0, null, null, "(no reply in 10 s)");
        }
    }

    private async Task<WireReply> PostXmlAsync(string method, JsonNode? parameters, CancellationToken ct)
    {
        using var content = new StringContent(XmlRequest(method, parameters), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml");
        using var response = await _http.PostAsync(xmlRpcUri, content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new WireReply("http", null, (int)response.StatusCode, null, null, body);
        }

        var doc = XDocument.Parse(body, LoadOptions.None);
        var root = doc.Root!;
        if (root.Element("fault")?.Element("value") is { } fault)
        {
            var f = (JsonObject)FromXmlValue(fault)!;
            return new WireReply("error", null, (int)f["faultCode"]!.GetValue<long>(), f["faultString"]?.GetValue<string>(), null, body);
        }

        var value = root.Element("params")?.Element("param")?.Element("value");
        return new WireReply("result", value is null ? null : FromXmlValue(value), 0, null, null, body);
    }

    private static WireReply FromJson(string text)
    {
        var node = JsonNode.Parse(text)!.AsObject();
        if (node["error"] is JsonObject error)
        {
            return new WireReply("error", null, error["code"]!.GetValue<int>(), error["message"]?.GetValue<string>(), error["data"]?.GetValue<string>(), text);
        }

        return new WireReply("result", node["result"]?.DeepClone(), 0, null, null, text);
    }

    /// <summary>The XML-RPC request for JSON params: an array is one &lt;param&gt; each, an object one struct param (named params).</summary>
    public static string XmlRequest(string method, JsonNode? parameters)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\"?>\n<methodCall><methodName>").Append(SecurityElement.Escape(method)).Append("</methodName>");
        switch (parameters)
        {
            case JsonArray array:
                xml.Append("<params>");
                foreach (var p in array)
                {
                    xml.Append("<param>").Append(XmlValue(p)).Append("</param>");
                }

                xml.Append("</params>");
                break;
            case JsonObject obj:
                xml.Append("<params><param>").Append(XmlValue(obj)).Append("</param></params>");
                break;
        }

        return xml.Append("</methodCall>").ToString();
    }

    private static string XmlValue(JsonNode? value) => value switch
    {
        JsonObject obj => "<value><struct>" + string.Concat(obj.Select(m => $"<member><name>{SecurityElement.Escape(m.Key)}</name>{XmlValue(m.Value)}</member>")) + "</struct></value>",
        JsonArray array => "<value><array><data>" + string.Concat(array.Select(XmlValue)) + "</data></array></value>",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => $"<value><int>{v.ToJsonString()}</int></value>",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"<value><string>{SecurityElement.Escape(v.GetValue<string>()).Replace("\r", "&#13;", StringComparison.Ordinal)}</string></value>",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => $"<value><boolean>{(v.GetValue<bool>() ? 1 : 0)}</boolean></value>",
        _ => "<value><nil/></value>",
    };

    private static JsonNode? FromXmlValue(XElement value)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed is null)
        {
            return JsonValue.Create(value.Value);
        }

        return typed.Name.LocalName switch
        {
            "struct" => new JsonObject(typed.Elements("member").Select(m =>
                KeyValuePair.Create(m.Element("name")!.Value, FromXmlValue(m.Element("value")!)))),
            "array" => new JsonArray(typed.Element("data")!.Elements("value").Select(FromXmlValue).ToArray()),
            "int" or "i4" => JsonValue.Create(long.Parse(typed.Value, System.Globalization.CultureInfo.InvariantCulture)),
            "double" => JsonValue.Create(double.Parse(typed.Value, System.Globalization.CultureInfo.InvariantCulture)),
            "boolean" => JsonValue.Create(typed.Value == "1"),
            "nil" => null,
            _ => JsonValue.Create(typed.Value),
        };
    }
}
