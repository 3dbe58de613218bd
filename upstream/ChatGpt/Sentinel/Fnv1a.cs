namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>
/// The newest sentinel's 32-bit FNV-1a over UTF-16 code units, followed by the finaliser the browser SDK
/// applies (docs/chatgpt-upstream.md, "Proof of work"). Streaming: the state after the seed is reused per nonce.
/// </summary>
internal static class Fnv1a
{
    public const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static uint Append(uint state, ReadOnlySpan<char> text)
    {
        foreach (var ch in text)
        {
            state = (state ^ ch) * Prime;
        }

        return state;
    }

    /// <summary>Appends ASCII bytes; equal to <see cref="Append(uint, ReadOnlySpan{char})"/> on the same text.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> ascii)
    {
        foreach (var b in ascii)
        {
            state = (state ^ b) * Prime;
        }

        return state;
    }

    public static uint Finalise(uint h)
    {
        h ^= h >> 16;
        h *= 2246822507;
        h ^= h >> 13;
        h *= 3266489909;
        h ^= h >> 16;
        return h;
    }

    /// <summary>Hash of a whole string, finalised.</summary>
    public static uint Hash(string text) => Finalise(Append(OffsetBasis, text));
}
