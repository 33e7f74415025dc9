using System.Buffers;
using System.Text;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.Fuzz;

/// <summary>
/// One fuzz target per decoder. Each takes arbitrary bytes and lets only the exceptions the decoder documents through;
/// anything else escapes and is a crash for the fuzzer (and a failure for the CI smoke test, which links this file).
/// </summary>
public static class FuzzTargets
{
    /// <summary>The target names, for the command line.</summary>
    public static IReadOnlyList<string> Names { get; } = ["jsonrpc", "xmlrpc", "uri", "fifo-guard", "hep", "hep-stream"];

    /// <summary>Runs target <paramref name="name"/> on <paramref name="data"/>.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="data">The input.</param>
    public static void Run(string name, ReadOnlySpan<byte> data)
    {
        switch (name)
        {
            case "jsonrpc":
                JsonRpc(data);
                break;
            case "xmlrpc":
                XmlRpc(data);
                break;
            case "uri":
                Uri(data);
                break;
            case "fifo-guard":
                FifoGuard(data);
                break;
            case "hep":
                Hep(data, "udp:127.0.0.1:9060");
                break;
            case "hep-stream":
                HepStream(data);
                break;
            default:
                throw new ArgumentException($"Unknown fuzz target '{name}': use {string.Join(", ", Names)}.", nameof(name));
        }
    }

    private static void JsonRpc(ReadOnlySpan<byte> data)
    {
        _ = JsonRpcCodec.TryReadId(data, out var id);
        try
        {
            var response = JsonRpcCodec.Instance.DecodeResponse("m", data.ToArray(), id == 0 ? 1 : id, "mi_datagram");

            // What a caller does next must not throw either.
            if (response.IsSuccess)
            {
                _ = response.GetResult().GetRawText();
            }
            else
            {
                _ = response.Error!.ToString();
            }
        }
        catch (MiProtocolException)
        {
        }
    }

    private static void XmlRpc(ReadOnlySpan<byte> data)
    {
        try
        {
            var response = XmlRpcCodec.Instance.DecodeResponse("m", data.ToArray(), 0, "mi_xmlrpc_ng");
            if (response.IsSuccess)
            {
                _ = response.GetResult().GetRawText();
            }
        }
        catch (MiProtocolException)
        {
        }
    }

    private static void Uri(ReadOnlySpan<byte> data)
    {
        try
        {
            _ = MiConnectionOptions.Parse(Encoding.UTF8.GetString(data)).ToString();
        }
        catch (ArgumentException)
        {
        }
    }

    /// <summary>One HEP datagram: decoded, then turned into a SIP trace message (nothing may throw).</summary>
    private static void Hep(ReadOnlySpan<byte> data, string source)
    {
        if (HepDecoder.TryDecode(data, out var packet, out _) && SipTraceMessage.FromHep(packet, DateTimeOffset.UnixEpoch, source, out _) is { } message)
        {
            _ = message.ToString();
            _ = message.Text;
        }
    }

    /// <summary>
    /// A TCP stream of HEP: the first byte chooses the read size (1–256), the rest is the stream, fed to the framer in
    /// reads of that size; every frame is decoded like a datagram (nothing may throw).
    /// </summary>
    private static void HepStream(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var step = data[0] + 1;
        var stream = data[1..];
        var framer = new HepStreamFramer();
        var frames = new List<byte[]>();
        for (var offset = 0; offset < stream.Length; offset += step)
        {
            framer.Feed(stream.Slice(offset, Math.Min(step, stream.Length - offset)), frame => frames.Add(frame.ToArray()), _ => { });
        }

        _ = framer.End();
        foreach (var frame in frames)
        {
            Hep(frame, "tcp:127.0.0.1:40000");
        }
    }

    private static void FifoGuard(ReadOnlySpan<byte> data)
    {
        try
        {
            FifoRequestGuard.Check(data);
        }
        catch (ArgumentException)
        {
        }
    }
}
