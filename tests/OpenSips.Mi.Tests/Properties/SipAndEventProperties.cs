using System.Text;
using CsCheck;
using OpenSips.Mi.Sip;

namespace OpenSips.Mi.Tests.Properties;

/// <summary>Property tests for the SIP reply parsing of t_uac_dlg results and the event_stream object splitter.</summary>
public sealed class SipAndEventProperties
{
    private const int Iterations = 2000;

    private static readonly Gen<string> SipLikeText = Gen.OneOf(
        Gen.String,
        Gen.Select(Gen.Int[100, 699], Gen.String[0, 20], Gen.String[0, 40], (code, reason, rest) => $"SIP/2.0 {code} {reason}\r\nVia: x\r\n{rest}\r\n\r\nbody"),
        Gen.Const("SIP/2.0 200 OK\r\nTo: <sip:a@b>;tag=1\r\n\tcontinued\r\nContent-Length: 4\r\n\r\nbody"));

    [Fact]
    public void Any_status_and_message_parse_or_raise_a_protocol_error()
    {
        Gen.Select(Gen.String, SipLikeText.Null()).Sample((status, message) =>
        {
            try
            {
                var result = UacResult.Parse(status, message);
                Assert.InRange(result.StatusCode, 100, 999);
            }
            catch (MiProtocolException)
            {
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_well_formed_reply_keeps_its_code_reason_and_body()
    {
        Gen.Select(Gen.Int[100, 699], Gen.Char['a', 'z'].Array[1, 12], Gen.Char['a', 'z'].Array[0, 30]).Sample((code, reasonChars, bodyChars) =>
        {
            var reason = new string(reasonChars);
            var body = new string(bodyChars);
            var message = $"SIP/2.0 {code} {reason}\r\nCall-ID: x\r\nContent-Length: {body.Length}\r\n\r\n{body}";

            var result = UacResult.Parse($"{code} {reason}", message);

            Assert.Equal(code, result.StatusCode);
            Assert.Equal(reason, result.ReasonPhrase);
            Assert.Equal(body, result.Body);
        }, iter: Iterations);
    }

    [Fact]
    public void The_event_stream_splitter_finds_the_same_objects_wherever_the_stream_is_cut()
    {
        var objects = Gen.Select(Gen.Char['a', 'z'].Array[1, 8], Gen.OneOf(Gen.Const("{}"), Gen.Const("\"}{\\\"\""), Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (name, value) => "{\"jsonrpc\":\"2.0\",\"method\":\"" + new string(name) + "\",\"params\":{\"v\":" + value + "}}").Array[1, 6];
        Gen.Select(objects, Gen.Int[1, 50].Array[1, 10]).Sample((payloads, cuts) =>
        {
            var stream = Encoding.UTF8.GetBytes(string.Concat(payloads));
            var found = new List<string>();
            var splitter = new JsonObjectSplitter();
            var offset = 0;
            var cut = 0;
            while (offset < stream.Length)
            {
                var length = Math.Min(cuts[cut++ % cuts.Length], stream.Length - offset);
                splitter.Feed(stream.AsSpan(offset, length), o => found.Add(Encoding.UTF8.GetString(o.Span)));
                offset += length;
            }

            Assert.Equal(payloads, found);
        }, iter: Iterations);
    }

    [Fact]
    public void The_event_stream_splitter_never_throws_on_garbage()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            var splitter = new JsonObjectSplitter(maxObjectBytes: 64);
            splitter.Feed(bytes, _ => { });
        }, iter: Iterations);
    }
}
