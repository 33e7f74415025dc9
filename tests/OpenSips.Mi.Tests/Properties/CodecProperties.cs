using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace OpenSips.Mi.Tests.Properties;

/// <summary>
/// Issue 8: property tests for every encoder and decoder the client has (JSON-RPC, XML-RPC, the plain-text replies, the
/// FIFO guard, URI parsing). Round trips where they apply; "never throws anything but our exception" everywhere.
/// Iteration counts are bounded so the suite stays fast; a failure prints the CsCheck seed to replay it
/// (<c>CsCheck_Seed=… dotnet test …</c>). Event payloads and the SIP reply parsing are in <see cref="SipAndEventProperties"/>.
/// </summary>
public sealed class CodecProperties
{
    private const int Iterations = 3000;

    private static readonly byte[][] JsonSeeds = LoadSeeds("datagram", ".response");
    private static readonly byte[][] XmlSeeds = LoadSeeds("xmlrpc", ".response.body");

    private static byte[][] LoadSeeds(string folder, string suffix) =>
        [.. WireCaptures.Cases(folder, suffix).Select(c => WireCaptures.ReadBytes(Path.Combine(folder, c + suffix)))];

    [Fact]
    public void Json_rpc_any_value_tree_survives_encode_then_decode()
    {
        Generators.Value.Sample(value =>
        {
            var request = new ArrayBufferWriter<byte>();
            JsonRpcCodec.Instance.EncodeRequest(request, "echo", MiParams.Positional(value), 7);
            using var sent = JsonDocument.Parse(request.WrittenMemory);
            var param = sent.RootElement.GetProperty("params")[0].GetRawText();
            var reply = Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","result":{{param}},"id":7}""");

            var response = JsonRpcCodec.Instance.DecodeResponse("echo", reply, 7, "mi_datagram");

            Assert.True(Equivalent(value, MiValue.FromJson(response.GetResult())), $"{value.ToJsonString()} came back as {response.GetResult().GetRawText()}");
        }, iter: Iterations);
    }

    [Fact]
    public void Json_rpc_any_text_is_encoded_or_refused_with_an_argument_exception()
    {
        Gen.Select(Generators.AnyText, Generators.AnyText).Sample((name, text) =>
        {
            var request = new ArrayBufferWriter<byte>();
            try
            {
                JsonRpcCodec.Instance.EncodeRequest(request, "echo", MiParams.Named((name, text)), 1);
            }
            catch (ArgumentException) when (!MiValue.IsWellFormedUtf16(name) || !MiValue.IsWellFormedUtf16(text) || name.Length == 0)
            {
                return;
            }

            // Written only when both are valid Unicode, and then exactly.
            using var sent = JsonDocument.Parse(request.WrittenMemory);
            var member = Assert.Single(sent.RootElement.GetProperty("params").EnumerateObject());
            Assert.Equal(name, member.Name);
            Assert.Equal(text, member.Value.GetString());
        }, iter: Iterations);
    }

    [Fact]
    public void Json_rpc_decoder_throws_only_protocol_errors_on_any_bytes()
    {
        var bytes = Gen.Frequency(
            (1, Gen.Byte.Array[0, 200]),
            (3, Generators.JsonRpcLike),
            (3, Generators.Mutations(JsonSeeds)));
        bytes.Sample(reply =>
        {
            _ = JsonRpcCodec.TryReadId(reply, out _);
            try
            {
                _ = JsonRpcCodec.Instance.DecodeResponse("m", reply, 1, "mi_datagram");
            }
            catch (MiProtocolException)
            {
            }
        }, iter: Iterations * 3, print: b => Convert.ToBase64String(b));
    }

    [Fact]
    public void Xml_rpc_values_opensips_can_read_survive_encode_then_decode()
    {
        Generators.XmlValue.Array[1, 4].Sample(values =>
        {
            var request = new ArrayBufferWriter<byte>();
            XmlRpcCodec.Instance.EncodeRequest(request, "echo", MiParams.Positional(values), 0);
            var reply = AsReply(Encoding.UTF8.GetString(request.WrittenSpan));

            var response = XmlRpcCodec.Instance.DecodeResponse("echo", reply, 0, "mi_xmlrpc_ng");

            var result = MiValue.FromJson(response.GetResult());
            Assert.True(Equivalent(MiValue.Array(values), result), $"{MiValue.Array(values).ToJsonString()} came back as {result.ToJsonString()}");
        }, iter: Iterations);
    }

    [Fact]
    public void Xml_rpc_encoder_writes_or_refuses_with_an_argument_exception()
    {
        Gen.Select(Generators.AnyText, Generators.Value).Sample((name, value) =>
        {
            var request = new ArrayBufferWriter<byte>();
            try
            {
                XmlRpcCodec.Instance.EncodeRequest(request, "echo", MiParams.Named((name, value)), 0);
            }
            catch (ArgumentException)
            {
                Assert.Equal(0, request.WrittenCount);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Xml_rpc_decoder_throws_only_protocol_errors_on_any_bytes()
    {
        var bytes = Gen.Frequency(
            (1, Gen.Byte.Array[0, 200]),
            (3, Generators.XmlRpcLike),
            (3, Generators.Mutations(XmlSeeds)));
        bytes.Sample(reply =>
        {
            try
            {
                _ = XmlRpcCodec.Instance.DecodeResponse("m", reply, 0, "mi_xmlrpc_ng");
            }
            catch (MiProtocolException)
            {
            }
        }, iter: Iterations * 3, print: b => Encoding.UTF8.GetString(b));
    }

    [Fact]
    public void Fifo_guard_throws_only_argument_errors_and_passes_everything_the_codec_writes()
    {
        Gen.Frequency((1, Gen.Byte.Array[0, 100]), (2, Generators.JsonRpcLike)).Sample(request =>
        {
            try
            {
                FifoRequestGuard.Check(request);
            }
            catch (ArgumentException)
            {
            }
        }, iter: Iterations);

        Generators.Value.Sample(value =>
        {
            var request = new ArrayBufferWriter<byte>();
            JsonRpcCodec.Instance.EncodeRequest(request, "echo", MiParams.Positional(value), 3);
            FifoRequestGuard.Check(request.WrittenSpan);
        }, iter: Iterations);
    }

    [Fact]
    public void Uri_parsing_returns_or_throws_an_argument_exception()
    {
        var schemes = Gen.OneOf("udp://", "unix://", "fifo://", "http://", "https://", "xmlrpc+http://", "xmlrpc+https://", "UDP://", "ftp://", "", "://");
        var rest = Gen.OneOf(
            Generators.AnyText,
            Gen.OneOf("127.0.0.1:8809", "[::1]:8809", "[::1", "host:", ":8809", "h:0", "h:65536", "h:-1", "h:+1", "h: 1", "/tmp/x",
                "u:p@h:1/mi", "u:p@", "@", "%zz", "//", "h:99999999999999999999", "h/mi?q#f"));
        Gen.Select(schemes, rest, Generators.AnyText).Sample((scheme, middle, tail) =>
        {
            foreach (var uri in new[] { scheme + middle, scheme + middle + tail, tail })
            {
                try
                {
                    var options = MiConnectionOptions.Parse(uri);
                    Assert.DoesNotContain("u:p@", options.ToString(), StringComparison.Ordinal);
                }
                catch (ArgumentException ex) when (uri == scheme + middle && middle.Contains("u:p@", StringComparison.Ordinal))
                {
                    Assert.DoesNotContain("u:p@", ex.Message, StringComparison.Ordinal);
                }
                catch (ArgumentException)
                {
                }
            }
        }, iter: Iterations);
    }

    /// <summary>Turns a methodCall's params into a methodResponse holding them as one array, the way mi_xmlrpc_ng would echo them.</summary>
    private static byte[] AsReply(string request)
    {
        var start = request.IndexOf("<params>", StringComparison.Ordinal) + "<params>".Length;
        var end = request.IndexOf("</params>", StringComparison.Ordinal);
        var values = request[start..end].Replace("<param>", "", StringComparison.Ordinal).Replace("</param>", "", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<params><param>\r\n<value><array><data>" + values +
            "</data></array></value></param></params>\r\n</methodResponse>\r\n");
    }

    /// <summary>Same JSON value: numbers compare by value (an integral double comes back as an integer), the rest exactly.</summary>
    private static bool Equivalent(MiValue a, MiValue b)
    {
        if (a.Kind is MiValueKind.Integer or MiValueKind.Double && b.Kind is MiValueKind.Integer or MiValueKind.Double)
        {
            return a.Kind == MiValueKind.Integer && b.Kind == MiValueKind.Integer
                ? a.AsInteger == b.AsInteger
                : AsDouble(a).Equals(AsDouble(b));
        }

        if (a.Kind != b.Kind)
        {
            return false;
        }

        return a.Kind switch
        {
            MiValueKind.Array => a.AsArray.Count == b.AsArray.Count && a.AsArray.Zip(b.AsArray).All(p => Equivalent(p.First, p.Second)),
            MiValueKind.Object => a.AsObject.Count == b.AsObject.Count
                && a.AsObject.Zip(b.AsObject).All(p => p.First.Key == p.Second.Key && Equivalent(p.First.Value, p.Second.Value)),
            _ => a == b,
        };
    }

    private static double AsDouble(MiValue v) => v.Kind == MiValueKind.Integer ? v.AsInteger : v.AsDouble;
}
