using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MirrorGate.UpstreamSim.Sentinel;

/// <summary>Recomputes proof-of-work tokens (research §3.5): <c>gAAAAAB</c> + base64(JSON config array with
/// the nonce at [3]) (+ <c>~S</c>); valid when the first len(difficulty) hex characters of
/// hash(seed + base64) are &lt;= difficulty as strings.</summary>
internal static class ProofOfWork
{
    public const string ProofPrefix = "gAAAAAB";
    public const string RequirementsPrefix = "gAAAAAC";

    // The newest clients append "~S"; whether the server requires it is uncertain (HAR1's browser token
    // lacks it), so the simulator accepts both forms.
    public const string NewestSuffix = "~S";

    public static bool Verify(string? proof, string seed, string difficulty, PowHash hash)
    {
        if (!TryReadConfig(proof, ProofPrefix, out var encoded))
        {
            return false;
        }

        var digest = Hash(seed + encoded, hash);
        return digest.Length >= difficulty.Length
            && string.CompareOrdinal(digest[..difficulty.Length], difficulty) <= 0;
    }

    /// <summary>True when <paramref name="token"/> is prefix + base64 of a JSON array (+ optional <c>~S</c>);
    /// <paramref name="encoded"/> is the base64 part the hash covers.</summary>
    public static bool TryReadConfig(string? token, string prefix, out string encoded)
    {
        encoded = "";
        if (token is null || !token.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var body = token[prefix.Length..];
        if (body.EndsWith(NewestSuffix, StringComparison.Ordinal))
        {
            body = body[..^NewestSuffix.Length];
        }

        try
        {
            using var config = JsonDocument.Parse(Convert.FromBase64String(body));
            if (config.RootElement.ValueKind != JsonValueKind.Array || config.RootElement.GetArrayLength() < 4)
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return false;
        }

        encoded = body;
        return true;
    }

    public static string Hash(string input, PowHash hash) => hash switch
    {
        PowHash.Fnv1a => Fnv1a(input),
        _ => Convert.ToHexStringLower(SHA3_512.HashData(Encoding.UTF8.GetBytes(input))),
    };

    /// <summary>32-bit FNV-1a over UTF-16 code units, then the finaliser of the newest clients; 8 hex digits.</summary>
    public static string Fnv1a(string input)
    {
        unchecked
        {
            var h = 2166136261u;
            foreach (var c in input)
            {
                h ^= c;
                h *= 16777619u;
            }

            h ^= h >> 16;
            h *= 2246822507u;
            h ^= h >> 13;
            h *= 3266489909u;
            h ^= h >> 16;
            return h.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
