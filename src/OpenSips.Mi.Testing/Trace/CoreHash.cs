using System.Text;

namespace OpenSips.Mi.Testing;

/// <summary>OpenSIPS's <c>core_hash</c> (hash_func.h, no size), which orders the tracer's destination list.</summary>
internal static class CoreHash
{
    public static uint Of(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        uint h = 0;
        var p = 0;
        for (; p <= bytes.Length - 4; p += 4)
        {
            // C's char is signed on x86: bytes from 0x80 are negative and sign-extend.
            var v = (uint)((Signed(bytes[p]) << 24) + (Signed(bytes[p + 1]) << 16) + (Signed(bytes[p + 2]) << 8) + Signed(bytes[p + 3]));
            h += v ^ (v >> 3);
        }

        uint tail = 0;
        for (; p < bytes.Length; p++)
        {
            tail <<= 8;
            tail += (uint)Signed(bytes[p]);
        }

        h += tail ^ (tail >> 3);
        return h + (h >> 11) + (h >> 13) + (h >> 23);
    }

    private static int Signed(byte b) => (sbyte)b;
}
