namespace OpenSips.Mi.Testing;

/// <summary>
/// Whether OpenSIPS's mi_datagram can print a reply into its 65457-byte buffer (docs/wire-facts.md#dg-limits). cJSON
/// prints into the fixed buffer and asks for room before each number: 2 bytes for <c>0</c>, 21 for any other int, 64
/// for a number outside the int range or with a fraction. So a reply fits when it is at most 65456 bytes (the buffer
/// holds a terminating NUL) AND no number starts within that room of the end: with a numeric id, the longest reply is
/// 65438 bytes, not 65456 (measured on 3.6.8).
/// </summary>
internal static class DatagramReplyLimit
{
    public const int BufferBytes = 65457;

    public static bool Fits(ReadOnlySpan<byte> json)
    {
        if (json.Length > BufferBytes - 1)
        {
            return false;
        }

        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                if (c == (byte)'\\')
                {
                    i++;
                }
                else if (c == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == (byte)'"')
            {
                inString = true;
                continue;
            }

            if (c is not ((>= (byte)'0' and <= (byte)'9') or (byte)'-'))
            {
                continue;
            }

            var end = i;
            while (end < json.Length && json[end] is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E')
            {
                end++;
            }

            if (i + RoomFor(json[i..end]) > BufferBytes)
            {
                return false;
            }

            i = end - 1;
        }

        return true;
    }

    private static int RoomFor(ReadOnlySpan<byte> number)
    {
        if (number.SequenceEqual("0"u8))
        {
            return 2;
        }

        return number.IndexOfAny("."u8[0], (byte)'e', (byte)'E') < 0
            && long.TryParse(number, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value is >= int.MinValue and <= int.MaxValue
            ? 21
            : 64;
    }
}
