using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace OpenSips.Mi.Trace;

/// <summary>
/// The SIP bytes inside a HEP3 payload chunk. proto_hep sends the message as it is by default (<c>homer5_on</c> 1); with
/// <c>homer5_on</c> 0 it wraps it in a JSON object <c>{"payload":"…"}</c>; with payload compression it sends chunk
/// 0x0010 (zlib or gzip). All three are unwrapped here.
/// </summary>
internal static class HepPayload
{
    /// <summary>A decompressed payload larger than this is refused (a SIP message is far smaller).</summary>
    private const int MaxInflatedBytes = 1024 * 1024;

    public static byte[]? Sip(HepPacket packet, out string? reason)
    {
        reason = null;
        var bytes = packet.Payload!;
        if (packet.PayloadCompressed)
        {
            var inflated = Inflate(bytes);
            if (inflated is null)
            {
                reason = "a compressed HEP3 payload (chunk 0x0010) that does not inflate with zlib or gzip";
                return null;
            }

            bytes = inflated;
        }

        return bytes.Length > 0 && bytes[0] == (byte)'{' && Unwrap(bytes) is { } sip ? sip : bytes;
    }

    /// <summary>The <c>payload</c> string of a JSON object, or null when the bytes are not such an object.</summary>
    private static byte[]? Unwrap(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPayload = reader.ValueTextEquals("payload"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isPayload && reader.TokenType == JsonTokenType.String)
                {
                    return Encoding.UTF8.GetBytes(reader.GetString()!);
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static byte[]? Inflate(byte[] data)
    {
        try
        {
            using var input = new MemoryStream(data);
            using Stream inflater = data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b
                ? new GZipStream(input, CompressionMode.Decompress)
                : new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[8192];
            int n;
            while ((n = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > MaxInflatedBytes)
                {
                    return null;
                }
            }

            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
