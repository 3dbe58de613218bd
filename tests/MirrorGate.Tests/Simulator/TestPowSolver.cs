using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MirrorGate.Tests.Simulator;

/// <summary>A proof-of-work client written from docs/chatgpt-upstream.md alone (not from the simulator's
/// code), so the simulator's verifier is checked against an independent reading of the spec.</summary>
internal static class TestPowSolver
{
    public static string RequirementsToken(bool newest) =>
        "gAAAAAC" + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(Config(1, 0.42))) + (newest ? "~S" : "");

    /// <summary>A proof valid under SHA3-512 (<paramref name="sha3"/>) or FNV-1a; with
    /// <paramref name="invalidUnderOther"/> also one that the other hash would refuse.</summary>
    public static string Solve(string seed, string difficulty, bool sha3, bool newest, bool? invalidUnderOther = null)
    {
        for (var nonce = 0; nonce < 500_000; nonce++)
        {
            var encoded = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(Config(nonce, nonce >> 1)));
            if (!Meets(Digest(seed + encoded, sha3), difficulty))
            {
                continue;
            }

            if (invalidUnderOther == true && Meets(Digest(seed + encoded, !sha3), difficulty))
            {
                continue;
            }

            return "gAAAAAB" + encoded + (newest ? "~S" : "");
        }

        throw new InvalidOperationException("no nonce found");
    }

    /// <summary>A well-formed proof token whose hash does not meet the difficulty under either hash.</summary>
    public static string Wrong(string seed, string difficulty, bool newest)
    {
        for (var nonce = 0; ; nonce++)
        {
            var encoded = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(Config(nonce, 0)));
            if (!Meets(Digest(seed + encoded, true), difficulty) && !Meets(Digest(seed + encoded, false), difficulty))
            {
                return "gAAAAAB" + encoded + (newest ? "~S" : "");
            }
        }
    }

    /// <summary>Whether <paramref name="proof"/> (a token from <see cref="Solve"/>) meets <paramref name="difficulty"/> for <paramref name="seed"/>.</summary>
    public static bool Accepts(string seed, string proof, string difficulty, bool sha3) =>
        Meets(Digest(seed + proof["gAAAAAB".Length..].Replace("~S", string.Empty, StringComparison.Ordinal), sha3), difficulty);

    public static string Digest(string input, bool sha3)
    {
        if (sha3)
        {
            return Convert.ToHexString(SHA3_512.HashData(Encoding.UTF8.GetBytes(input))).ToLowerInvariant();
        }

        uint hash = 0x811C9DC5;
        for (var i = 0; i < input.Length; i++)
        {
            hash = unchecked((hash ^ input[i]) * 0x01000193);
        }

        hash = unchecked((hash ^ (hash >> 16)) * 0x85EBCA6B);
        hash = unchecked((hash ^ (hash >> 13)) * 0xC2B2AE35);
        hash ^= hash >> 16;
        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool Meets(string digest, string difficulty) =>
        string.CompareOrdinal(digest[..difficulty.Length], difficulty) <= 0;

    private static object?[] Config(int nonce, double elapsed) =>
    [
        3000, "Sat Nov 21 2026 14:00:00 GMT+0000 (Coordinated Universal Time)", 4294705152L, nonce,
        "Mozilla/5.0 (X11; Linux x86_64)", null, "prod-0123456789abcdef", "en-US", "en-US,en", elapsed,
        "webdriver\u2212false", "location", "onload", 1234.5, "6f1c5c3e-0000-4000-8000-000000000001", "", 8, 1_763_733_600_000.0,
    ];
}
