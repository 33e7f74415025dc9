using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Tests.Events;

/// <summary>The event_stream splitter: back-to-back objects with no delimiter (docs/wire-facts.md#ev-stream), split anywhere.</summary>
public class JsonObjectSplitterTests
{
    private static readonly byte[] Captured = WireCaptures.ReadBytes("events/register_carol.tcp.01");

    private static List<string> Feed(JsonObjectSplitter splitter, params byte[][] chunks)
    {
        var objects = new List<string>();
        foreach (var chunk in chunks)
        {
            splitter.Feed(chunk, o => objects.Add(Encoding.UTF8.GetString(o.Span)));
        }

        return objects;
    }

    [Fact]
    public void The_captured_stream_split_at_every_byte_boundary_gives_the_same_two_objects()
    {
        var whole = Feed(new JsonObjectSplitter(), Captured);
        Assert.Equal(2, whole.Count);
        Assert.Equal(Encoding.UTF8.GetString(Captured), string.Concat(whole));
        Assert.Equal("E_UL_AOR_INSERT", JsonDocument.Parse(whole[0]).RootElement.GetProperty("method").GetString());
        Assert.Equal("my_method", JsonDocument.Parse(whole[1]).RootElement.GetProperty("method").GetString());

        for (var i = 0; i <= Captured.Length; i++)
        {
            var splitter = new JsonObjectSplitter();
            var parts = Feed(splitter, Captured[..i], Captured[i..]);
            Assert.Equal(whole, parts);
            Assert.Equal(0, splitter.JunkCount);
            Assert.False(splitter.HasPartialObject);
        }
    }

    [Fact]
    public void The_captured_stream_fed_one_byte_at_a_time_and_in_three_parts()
    {
        var expected = Feed(new JsonObjectSplitter(), Captured);
        Assert.Equal(expected, Feed(new JsonObjectSplitter(), Captured.Select(b => new[] { b }).ToArray()));
        for (var i = 0; i < Captured.Length; i += 7)
        {
            for (var j = i; j <= Captured.Length; j += 13)
            {
                Assert.Equal(expected, Feed(new JsonObjectSplitter(), Captured[..i], Captured[i..j], Captured[j..]));
            }
        }
    }

    [Fact]
    public void Braces_and_escaped_quotes_inside_strings_do_not_end_an_object()
    {
        var tricky = """{"method":"E_X","params":{"a":"}{\"}","b":"\\","c":"x\\\"}{","d":[{"e":"]"}],"é":"ü{"}}""" + "{\"method\":\"E_Y\"}";
        var bytes = Encoding.UTF8.GetBytes(tricky);
        var expected = new[] { tricky[..tricky.IndexOf("{\"method\":\"E_Y", StringComparison.Ordinal)], "{\"method\":\"E_Y\"}" };
        for (var i = 0; i <= bytes.Length; i++)
        {
            var objects = Feed(new JsonObjectSplitter(), bytes[..i], bytes[i..]);
            Assert.Equal(expected, objects);
            JsonDocument.Parse(objects[0]).Dispose();
        }
    }

    [Fact]
    public void Junk_between_objects_is_counted_and_skipped()
    {
        var splitter = new JsonObjectSplitter();
        var objects = Feed(splitter, "garbage{\"a\":1} \r\n xx{\"b\":2}"u8.ToArray());
        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], objects);
        Assert.Equal(2, splitter.JunkCount);
    }

    [Fact]
    public void An_oversized_object_is_dropped_and_scanning_resumes()
    {
        var splitter = new JsonObjectSplitter(maxObjectBytes: 32);
        var big = "{\"a\":\"" + new string('x', 100) + "\"}";
        var objects = Feed(splitter, Encoding.UTF8.GetBytes(big + "{\"b\":2}"));
        Assert.Equal(["{\"b\":2}"], objects);
        Assert.True(splitter.JunkCount >= 1);
    }

    [Fact]
    public void A_cut_object_is_reported_as_partial()
    {
        var splitter = new JsonObjectSplitter();
        Assert.Empty(Feed(splitter, Captured[..40]));
        Assert.True(splitter.HasPartialObject);
    }
}
