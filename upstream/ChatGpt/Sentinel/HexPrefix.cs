namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>The proof-of-work acceptance test on a digest, without formatting it as a string.</summary>
internal static class HexPrefix
{
    /// <summary>
    /// True when the first <c>len(difficulty)</c> lowercase hex digits of <paramref name="digest"/> are
    /// <c>&lt;=</c> <paramref name="difficulty"/> as strings (ordinal). When the difficulty is longer than the
    /// digest's hex, the whole hex is compared, as Python's and JavaScript's slicing do.
    /// </summary>
    public static bool IsAtMost(ReadOnlySpan<byte> digest, ReadOnlySpan<char> difficulty)
    {
        var digits = Math.Min(difficulty.Length, digest.Length * 2);
        for (var i = 0; i < digits; i++)
        {
            var b = digest[i >> 1];
            var nibble = (i & 1) == 0 ? b >> 4 : b & 0xF;
            var ch = (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
            if (ch != difficulty[i])
            {
                return ch < difficulty[i];
            }
        }

        return true;
    }

    /// <summary>Big-endian bytes of a 32-bit hash, so its hex reads as the 8-digit <c>%08x</c> form.</summary>
    public static void Write(uint hash, Span<byte> destination)
    {
        destination[0] = (byte)(hash >> 24);
        destination[1] = (byte)(hash >> 16);
        destination[2] = (byte)(hash >> 8);
        destination[3] = (byte)hash;
    }
}
