using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// A client's side of the <c>Deerer</c> scheme, written from research D.3 apart from the gateway's code, so the
/// tests check the wire format rather than the gateway against itself: key = secret key ISO-8859-1 bytes, right-padded
/// with '*' or cut to 32; plaintext <c>f"{time.time()}:{apikey}"</c>; AES-256-ECB, PKCS7, base64.
/// </summary>
internal static class DeererClient
{
    public static string Header(string appId, string secretKey, string apiKey, DateTimeOffset at)
    {
        var key = Encoding.Latin1.GetBytes(secretKey.PadRight(32, '*')[..32]);
        var seconds = (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000000", CultureInfo.InvariantCulture);
        using var aes = Aes.Create();
        aes.Key = key;
        var cyber = Convert.ToBase64String(aes.EncryptEcb(Encoding.Latin1.GetBytes($"{seconds}:{apiKey}"), PaddingMode.PKCS7));
        return $"Deerer {appId}-:-{cyber}";
    }
}
