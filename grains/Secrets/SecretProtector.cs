using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.Grains.Secrets;

/// <summary>
/// Encrypts secrets at rest with AES-256-GCM under one key (see <see cref="SecretsOptions"/>). Every node of a
/// cluster must hold the same key. Format: <c>v1:</c> + base64(nonce ‖ tag ‖ ciphertext). Also derives keyed
/// hashes, so that tokens can be looked up without storing them, and tags, so that a token the gateway issued
/// can be told from a forged one without a lookup.
/// </summary>
public sealed class SecretProtector
{
    private const string Prefix = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;
    private readonly byte[] _hashKey;
    private readonly byte[] _tagKey;

    public SecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The secrets key must be 32 bytes (base64 of 32 random bytes).", nameof(key));
        }

        _key = key.ToArray();
        _hashKey = HMACSHA256.HashData(_key, "mirrorgate-lookup-hash"u8);
        _tagKey = HMACSHA256.HashData(_key, "mirrorgate-token-tag"u8);
    }

    public string Protect(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return Prefix + Convert.ToBase64String(output);
    }

    public string Unprotect(string protectedValue)
    {
        if (!protectedValue.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("Stored secret has an unknown format.");
        }

        var data = Convert.FromBase64String(protectedValue[Prefix.Length..]);
        if (data.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Stored secret is truncated.");
        }

        var plain = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>A stable, keyed, one-way id for a credential (hex HMAC-SHA256), safe to store and log.</summary>
    public string LookupHash(string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(value)));

    /// <summary>
    /// A short keyed tag of <paramref name="value"/> (16 bytes, base64url), written into the tokens MirrorGate
    /// issues: only a holder of the key can make one that verifies.
    /// </summary>
    public string Tag(ReadOnlySpan<char> value)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_tagKey, Encoding.UTF8.GetBytes(value.ToArray()), mac);
        return Base64Url.EncodeToString(mac[..16]);
    }

    /// <summary>
    /// A 32-byte key for one <paramref name="purpose"/> (HMAC-SHA256 of the purpose under the secrets key): the same on every
    /// node that holds the same secrets key, and telling nothing about that key or about the keys of other purposes.
    /// </summary>
    public byte[] DeriveKey(string purpose) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("mirrorgate-purpose:" + purpose));

    /// <summary>Whether <paramref name="tag"/> is <see cref="Tag"/> of <paramref name="value"/>, compared in constant time.</summary>
    public bool VerifyTag(ReadOnlySpan<char> value, ReadOnlySpan<char> tag) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Tag(value)), Encoding.ASCII.GetBytes(tag.ToArray()));
}
