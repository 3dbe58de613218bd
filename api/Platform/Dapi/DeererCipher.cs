using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.Api.Platform.Dapi;

/// <summary>
/// The <c>Deerer</c> scheme's cipher, exactly as the original's AES helper does it (research D.3): AES-256-ECB with
/// PKCS7 padding, the key being the app's secret key as ISO-8859-1 bytes, right-padded with <c>*</c> or cut to 32
/// bytes; the plaintext <c>"{time.time()}:{apikey}"</c> in ISO-8859-1; the ciphertext in standard base64. ECB and an
/// unauthenticated cipher are the original's choices, kept for compatibility: the API key inside is what is checked.
/// </summary>
public static class DeererCipher
{
    public static byte[] KeyOf(string secretKey)
    {
        var bytes = Encoding.Latin1.GetBytes(secretKey);
        var key = new byte[32];
        key.AsSpan().Fill((byte)'*');
        bytes.AsSpan(0, Math.Min(32, bytes.Length)).CopyTo(key);
        return key;
    }

    public static string Encrypt(string secretKey, string plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = KeyOf(secretKey);
        return Convert.ToBase64String(aes.EncryptEcb(Encoding.Latin1.GetBytes(plaintext), PaddingMode.PKCS7));
    }

    /// <summary>The plaintext; null when <paramref name="cyber"/> is not base64 or does not decrypt under the key.</summary>
    public static string? Decrypt(string secretKey, string cyber)
    {
        var buffer = new byte[cyber.Length];
        if (!Convert.TryFromBase64String(cyber, buffer, out var length) || length == 0 || length % 16 != 0)
        {
            return null;
        }

        using var aes = Aes.Create();
        aes.Key = KeyOf(secretKey);
        try
        {
            return Encoding.Latin1.GetString(aes.DecryptEcb(buffer.AsSpan(0, length), PaddingMode.PKCS7));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
