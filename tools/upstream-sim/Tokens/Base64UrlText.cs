using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>Unpadded base64url, the alphabet of JWT/JWE segments and of our opaque tokens.</summary>
internal static class Base64UrlText
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    public static string RandomBytes(int count) => Encode(RandomNumberGenerator.GetBytes(count));

    /// <summary>A random string of exactly <paramref name="length"/> url-safe characters.</summary>
    public static string RandomChars(int length) => RandomBytes((length * 3 / 4) + 3)[..length];
}
