using System.Text;

namespace OpenSips.Mi;

/// <summary>OpenSIPS's non-JSON answers (docs/wire-facts.md#dg-plain-text, docs/wire-facts.md#fifo-no-reply) and what they mean to a user.</summary>
internal static class PlainTextReplies
{
    public static bool LooksPlainText(ReadOnlySpan<byte> reply)
    {
        foreach (var b in reply)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b is not ((byte)'{' or (byte)'[' or (byte)'<');
        }

        return true;
    }

    public static MiProtocolException ToException(ReadOnlySpan<byte> reply, string transport)
    {
        var text = Encoding.UTF8.GetString(reply.Length > 512 ? reply[..512] : reply).Trim();
        var meaning = text switch
        {
            "500 Internal error" when transport == "mi_datagram" =>
                $"the reply was probably larger than mi_datagram's {DatagramOptions.MaxReplyBytes}-byte limit (65438 bytes when it ends with a numeric id, as this library's do): use mi_http or a narrower command (for example ul_dump brief, or get_statistics for one group)",
            "500 Internal error" => "OpenSIPS could not build or print the reply",
            "400 Parse_error" => "OpenSIPS could not parse the request as JSON (a byte-order mark, or a request over the transport's size limit)",
            "failed to print response" => "OpenSIPS could not print the reply",
            "" => "the reply was empty",
            _ => "this is not a JSON-RPC reply",
        };
        return new MiProtocolException($"OpenSIPS {transport} answered '{Shorten(text)}' instead of JSON: {meaning}.", text);
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
