using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>
/// The sentinel's requirements token and proof-of-work search (research §3.5, docs/chatgpt-upstream.md).
/// A proof is valid when the first <c>len(difficulty)</c> hex digits of <c>hash(seed + base64(config))</c>
/// are <c>&lt;=</c> the difficulty; the nonce sits at config index 3 and elapsed milliseconds at index 9.
/// </summary>
internal static class ProofOfWork
{
    public const string RequirementsPrefix = "gAAAAAC";
    public const string ProofPrefix = "gAAAAAB";
    public const string NewestSuffix = "~S";

    // Every public gateway sends this marker when it gives up; the server then knows the client tried and failed.
    public const string FallbackMarker = "wQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D";

    private const int Sha3DigestBytes = 64;

    public static bool IsSupported(ProofOfWorkHash hash) => hash == ProofOfWorkHash.Fnv1a || SHA3_512.IsSupported;

    /// <summary>
    /// The <c>p</c> sent to the sentinel: no search, nonce 1 and a random index 9, as the browser does.
    /// Uncertain (research §3.5): the HAR1 browser token has no <c>~S</c> suffix, AUR's 2026 captures do.
    /// </summary>
    public static string RequirementsToken(ProofOfWorkConfig config, bool newest)
    {
        var json = new byte[config.MaxJsonLength];
        var length = config.Write(json, 1, Random.Shared.NextDouble());
        return RequirementsPrefix + Convert.ToBase64String(json, 0, length) + (newest ? NewestSuffix : string.Empty);
    }

    public static ProofOfWorkSolution Solve(
        ProofOfWorkConfig config,
        string seed,
        string difficulty,
        ProofOfWorkHash hash,
        bool newest,
        int maxIterations,
        TimeProvider timeProvider,
        CancellationToken cancellationToken = default)
    {
        difficulty = difficulty.ToLowerInvariant();
        var seedBytes = Encoding.UTF8.GetByteCount(seed);
        var json = ArrayPool<byte>.Shared.Rent(config.MaxJsonLength);
        var input = ArrayPool<byte>.Shared.Rent(seedBytes + Base64.GetMaxEncodedToUtf8Length(config.MaxJsonLength));
        try
        {
            Encoding.UTF8.GetBytes(seed, input);
            // FNV-1a is streamed over UTF-16 code units: the state after the seed is the same for every nonce.
            var seedState = Fnv1a.Append(Fnv1a.OffsetBasis, seed);
            Span<byte> digest = stackalloc byte[Sha3DigestBytes];
            var started = timeProvider.GetTimestamp();
            for (var i = 0; i < maxIterations; i++)
            {
                if ((i & 0x3FF) == 0x3FF)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var elapsedMs = Math.Floor(timeProvider.GetElapsedTime(started).TotalMilliseconds);
                var jsonLength = config.Write(json, i, elapsedMs);
                Base64.EncodeToUtf8(json.AsSpan(0, jsonLength), input.AsSpan(seedBytes), out _, out var encodedLength);
                var encoded = input.AsSpan(seedBytes, encodedLength);
                scoped ReadOnlySpan<byte> hashed;
                if (hash == ProofOfWorkHash.Fnv1a)
                {
                    HexPrefix.Write(Fnv1a.Finalise(Fnv1a.Append(seedState, encoded)), digest);
                    hashed = digest[..4];
                }
                else
                {
                    SHA3_512.HashData(input.AsSpan(0, seedBytes + encodedLength), digest);
                    hashed = digest;
                }

                if (HexPrefix.IsAtMost(hashed, difficulty))
                {
                    var token = ProofPrefix + Encoding.ASCII.GetString(encoded) + (newest ? NewestSuffix : string.Empty);
                    return new ProofOfWorkSolution(token, Solved: true, Iterations: i + 1);
                }
            }

            return new ProofOfWorkSolution(FallbackToken(seed, newest), Solved: false, Iterations: maxIterations);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>Tries a difficulty needs on average: <c>16^len / (value + 1)</c>, for deciding where to run the search.</summary>
    public static double ExpectedIterations(string difficulty)
    {
        var digits = Math.Min(difficulty.Length, 15);
        if (digits == 0 || !long.TryParse(difficulty.AsSpan(0, digits), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var value))
        {
            return 1;
        }

        return Math.Pow(16, digits) / (value + 1);
    }

    /// <summary>
    /// What gateways send when no nonce was found: the legacy ones base64 the quoted seed, AUR the JSON string of
    /// an error (default <c>"e"</c>) plus <c>~S</c>.
    /// </summary>
    public static string FallbackToken(string seed, bool newest) =>
        newest
            ? ProofPrefix + FallbackMarker + Convert.ToBase64String("\"e\""u8) + NewestSuffix
            : ProofPrefix + FallbackMarker + Convert.ToBase64String(Encoding.UTF8.GetBytes("\"" + seed + "\""));
}
