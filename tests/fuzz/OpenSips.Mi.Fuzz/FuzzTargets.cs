using System.Buffers;
using System.Text;

namespace OpenSips.Mi.Fuzz;

/// <summary>
/// One fuzz target per decoder. Each takes arbitrary bytes and lets only the exceptions the decoder documents through;
/// anything else escapes and is a crash for the fuzzer (and a failure for the CI smoke test, which links this file).
/// </summary>
public static class FuzzTargets
{
    /// <summary>The target names, for the command line.</summary>
    public static IReadOnlyList<string> Names { get; } = ["jsonrpc", "xmlrpc", "uri", "fifo-guard"];

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
