using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.Tests.Upstream;

/// <summary>
/// An independent checker of proof tokens, written from docs/chatgpt-upstream.md as a server would: strip the prefix
/// and <c>~S</c>, hash <c>seed + base64</c> as a hex string, compare the first <c>len(difficulty)</c> characters.
/// </summary>
internal static class ProofOfWorkVerifier
{
    public static bool IsValid(string token, string seed, string difficulty, bool fnv)
    {
        Assert.StartsWith("gAAAAAB", token);
        var encoded = token["gAAAAAB".Length..];
        if (encoded.EndsWith("~S", StringComparison.Ordinal))
        {
            encoded = encoded[..^2];
        }

        var hex = fnv ? Fnv(seed + encoded) : Convert.ToHexStringLower(SHA3_512.HashData(Encoding.UTF8.GetBytes(seed + encoded)));
        var prefix = hex[..Math.Min(difficulty.Length, hex.Length)];
        return string.CompareOrdinal(prefix, difficulty) <= 0;
    }

    public static string DecodeConfig(string token, string prefix)
    {
        var encoded = token[prefix.Length..];
        if (encoded.EndsWith("~S", StringComparison.Ordinal))
        {
            encoded = encoded[..^2];
        }

        return Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
    }

    private static string Fnv(string text)
    {
        var h = 2166136261u;
        foreach (var ch in text)
        {
            h = unchecked((h ^ ch) * 16777619u);
        }

        h ^= h >> 16;
        h = unchecked(h * 2246822507u);
        h ^= h >> 13;
        h = unchecked(h * 3266489909u);
        h ^= h >> 16;
        return h.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }
}
