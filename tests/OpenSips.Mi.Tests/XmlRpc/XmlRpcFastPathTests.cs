using System.Text;
using CsCheck;
using OpenSips.Mi.Tests.Properties;

namespace OpenSips.Mi.Tests.XmlRpc;

/// <summary>
/// Issue 13: XML-RPC replies in mi_xmlrpc_ng's own shape are read straight from bytes to JSON
/// (<c>XmlRpcFastReader</c>); everything else goes through the general <c>XmlTextReader</c> path. The fast path must
/// never accept what the general path refuses, and must give the same JSON for what it accepts.
/// </summary>
public sealed class XmlRpcFastPathTests
{
    private const string Transport = "mi_xmlrpc_ng";

    private static readonly byte[][] Captures =
        [.. WireCaptures.Cases("xmlrpc", ".response.body").Select(c => WireCaptures.ReadBytes($"xmlrpc/{c}.response.body"))];

    /// <summary>Checks one reply both ways; returns whether the fast path took it.</summary>
    private static bool SameAsGeneralPath(byte[] reply)
    {
        MiResponse? general = null;
        MiProtocolException? refused = null;
        try
        {
            general = XmlRpcReplyReader.ReadGeneral("m", reply, Transport);
        }
        catch (MiProtocolException ex)
        {
            refused = ex;
        }

        var fast = XmlRpcReplyReader.TryReadFast("m", reply);
        if (fast is null)
        {
            return false;
        }

        Assert.True(refused is null, $"the fast path read a reply the general path refuses ({refused?.Message}): {Encoding.UTF8.GetString(reply)}");
        Assert.True(general!.IsSuccess, $"the fast path read a fault as a result: {Encoding.UTF8.GetString(reply)}");
        Assert.Equal(general.ToString(), fast.ToString());
        return true;
    }

    public static TheoryData<string> CapturedResults() =>
        new(WireCaptures.Cases("xmlrpc", ".response.body").Where(c => XmlRpcReplyReader.ReadGeneral(c, WireCaptures.ReadBytes($"xmlrpc/{c}.response.body"), Transport).IsSuccess));

    [Theory]
    [MemberData(nameof(CapturedResults))]
    public void Every_captured_result_takes_the_fast_path_and_reads_as_the_general_path_reads_it(string capture)
    {
        Assert.True(SameAsGeneralPath(WireCaptures.ReadBytes($"xmlrpc/{capture}.response.body")), $"{capture} fell back to the general path");
    }

    [Fact]
    public void Captured_faults_take_the_general_path()
    {
        var faults = Captures.Where(c => !XmlRpcReplyReader.ReadGeneral("m", c, Transport).IsSuccess).ToArray();

        Assert.NotEmpty(faults);
        Assert.All(faults, f => Assert.Null(XmlRpcReplyReader.TryReadFast("m", f)));
    }

    [Theory]
    [InlineData("a DOCTYPE", "<!DOCTYPE x [<!ENTITY e \"boom\">]>")]
    [InlineData("a comment", "<!-- note -->")]
    [InlineData("a processing instruction", "<?pi data?>")]
    public void Markup_outside_the_subset_falls_back_before_the_root(string what, string markup)
    {
        var reply = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\"?>\n{markup}<methodResponse><params><param><value><string>x</string></value></param></params></methodResponse>");

        Assert.True(XmlRpcReplyReader.TryReadFast("m", reply) is null, what);
    }

    [Theory]
    [InlineData("CDATA", "<value><string><![CDATA[<b>]]></string></value>")]
    [InlineData("an attribute", "<value><string lang=\"en\">x</string></value>")]
    [InlineData("a prefix", "<value><x:string>x</x:string></value>")]
    [InlineData("an unknown entity", "<value><string>&nbsp;</string></value>")]
    [InlineData("a forbidden character reference", "<value><string>&#0;</string></value>")]
    [InlineData("a raw control character", "<value><string>\u0001</string></value>")]
    [InlineData("text after a typed value", "<value><string>x</string>junk</value>")]
    [InlineData("an integer that is not one", "<value><int>12a</int></value>")]
    [InlineData("a double that is not finite", "<value><double>NaN</double></value>")]
    public void Values_outside_the_subset_fall_back(string what, string value)
    {
        var reply = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse><params><param>{value}</param></params></methodResponse>");

        Assert.True(XmlRpcReplyReader.TryReadFast("m", reply) is null, what);
        SameAsGeneralPath(reply);
    }

    [Theory]
    [InlineData("<string>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;</string>", "\"a \\u003Cb\\u003E \\u0026 \\u0022c\\u0022 \\u0027d\\u0027\"")]
    [InlineData("<string>line&#13;&#10;next&#x1F600;</string>", "\"line\\r\\nnext\\uD83D\\uDE00\"")]
    [InlineData("<string>raw\r\nCRLF</string>", "\"raw\\r\\nCRLF\"")]
    [InlineData("<i4> -7 </i4>", "-7")]
    [InlineData("<double>4294967295.000000</double>", "4294967295")]
    [InlineData("<double>0.25</double>", "0.25")]
    [InlineData("<boolean>1</boolean>", "true")]
    [InlineData("<nil/>", "null")]
    [InlineData("<array><data/></array>", "[]")]
    [InlineData("<struct/>", "{}")]
    public void Values_read_on_the_fast_path_as_the_general_path_reads_them(string typed, string json)
    {
        var reply = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\"?>\n<methodResponse>\n<params><param>\n<value>{typed}</value></param></params>\n</methodResponse>\n");

        Assert.True(SameAsGeneralPath(reply), "fell back to the general path");
        Assert.Equal(json, XmlRpcReplyReader.TryReadFast("m", reply)!.ToString());
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_falls_back_and_is_refused()
    {
        var depth = XmlRpcReplyReader.MaxDepth + 1;
        var value = string.Concat(Enumerable.Repeat("<value><array><data>", depth)) + "<value>x</value>" + string.Concat(Enumerable.Repeat("</data></array></value>", depth));
        var reply = Encoding.UTF8.GetBytes($"<methodResponse><params><param>{value}</param></params></methodResponse>");

        Assert.Null(XmlRpcReplyReader.TryReadFast("m", reply));
        Assert.Throws<MiProtocolException>(() => XmlRpcCodec.Instance.DecodeResponse("m", reply, 0, Transport));
    }

    /// <summary>Text as OpenSIPS may print it: letters, spaces, CRLF, non-ASCII, the five entities, character references.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
        "", "a", "Up time", " ", "\r\n", "\t", "é", "日本", "😀", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#13;", "&#x1F600;", "&#65;",
        ">", "\"", "'", "sip:alice@127.0.0.1;transport=udp", "0").Array[0, 5].Select(string.Concat);

    private static readonly Gen<string> Space = Gen.OneOf("", "", " ", "\n", "\r\n\t");

    private static readonly Gen<string> Number = Gen.OneOf("0", "-5", "+3", "007", "2147483647", "9223372036854775807", "99999999999999999999", " 1 ", "1.5", "x");

    private static readonly Gen<string> Double = Gen.OneOf("0.5", "-0.0", "4294967295.000000", "1e3", "1.7976931348623157e309", "NaN", "abc", " 2.0 ");

    /// <summary>A <c>&lt;value&gt;</c> the way mi_xmlrpc_ng writes them, with some variation in whitespace and forms.</summary>
    private static readonly Gen<string> Value = Gen.Recursive<string>((depth, inner) =>
    {
        var scalar = Gen.Frequency(
            (4, Text.Select(t => $"<string>{t}</string>")),
            (1, Gen.Const("<string/>")),
            (2, Number.Select(n => $"<int>{n}</int>")),
            (1, Number.Select(n => $"<i4>{n}</i4>")),
            (1, Double.Select(d => $"<double>{d}</double>")),
            (1, Gen.OneOf("<boolean>1</boolean>", "<boolean>0</boolean>", "<boolean>true</boolean>", "<boolean>yes</boolean>")),
            (1, Gen.OneOf("<nil/>", "<nil></nil>")));
        Gen<string> typed = scalar;
        if (depth < 4)
        {
            var member = Gen.Select(Text, inner, Space).Select((name, value, s) => $"<member>{s}<name>{name}</name>{s}{value}{s}</member>");
            var structure = Gen.Select(member.Array[0, 4], Space).Select((members, s) => members.Length == 0 && s.Length == 0 ? "<struct/>" : $"<struct>{s}{string.Join(s, members)}{s}</struct>");
            var array = Gen.Select(inner.Array[0, 4], Space).Select((values, s) => values.Length == 0 && s.Length == 0 ? "<array><data/></array>" : $"<array>{s}<data>{s}{string.Join(s, values)}{s}</data>{s}</array>");
            typed = Gen.Frequency((3, scalar), (2, structure), (2, array));
        }

        return Gen.Frequency(
            (8, Gen.Select(typed, Space).Select((t, s) => $"<value>{s}{t}{s}</value>")),
            (1, Text.Select(t => $"<value>{t}</value>")),
            (1, Gen.Const("<value/>")));
    });

    private static readonly Gen<string> Declaration = Gen.OneOf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "<?xml version=\"1.0\"?>\n", "", "\uFEFF<?xml version='1.0' encoding='utf-8'?>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n", "<?xml version=\"1.1\"?>", "<?xml encoding=\"UTF-8\" version=\"1.0\"?>");

    private static readonly Gen<byte[]> Reply = Gen.Select(Declaration, Value, Space).Select((declaration, value, s) =>
        Encoding.UTF8.GetBytes($"{declaration}<methodResponse>{s}<params>{s}<param>{s}{value}{s}</param>{s}</params>{s}</methodResponse>{s}"));

    /// <summary>The same replies with something out of the subset, or a broken byte, put somewhere.</summary>
    private static readonly Gen<byte[]> Broken = Gen.Select(Reply, Gen.Int, Gen.OneOf(
        "<!-- c -->", "<![CDATA[x]]>", "<?pi?>", " a=\"1\"", "&bogus;", "&#0;", "\u0001", "<", ">", "&", "</value>", "<value>", "<x/>", "]]>",
        "<!DOCTYPE m>", "\uFFFE", "\u00A0"), Gen.Byte, Gen.Int[0, 2]).Select((reply, where, insert, value, how) =>
        {
            var at = (int)((uint)where % (uint)(reply.Length + 1));
            return how switch
            {
                0 => [.. reply[..at], .. Encoding.UTF8.GetBytes(insert), .. reply[at..]],
                1 when at < reply.Length => [.. reply[..at], value, .. reply[(at + 1)..]],
                _ => reply[..at],
            };
        });

    [Fact]
    public void Replies_in_opensips_shape_read_the_same_on_both_paths_and_mostly_take_the_fast_one()
    {
        var taken = 0;
        var total = 0;
        Reply.Sample(reply =>
        {
            Interlocked.Increment(ref total);
            if (SameAsGeneralPath(reply))
            {
                Interlocked.Increment(ref taken);
            }
        }, iter: 4000, threads: 1, print: b => Encoding.UTF8.GetString(b));

        // Some generated values are outside the subset on purpose (other encodings, NaN, "yes"); most are not.
        Assert.True(taken > total / 4, $"the fast path took only {taken} of {total} replies");
    }

    [Fact]
    public void Broken_or_unusual_replies_are_never_read_differently_by_the_fast_path()
    {
        Gen.Frequency((3, Broken), (1, Generators.XmlRpcLike), (1, Generators.Mutations(Captures)))
            .Sample(reply => { _ = SameAsGeneralPath(reply); }, iter: 6000, print: b => Encoding.UTF8.GetString(b));
    }
}
