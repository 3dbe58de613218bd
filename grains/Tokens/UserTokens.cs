using System.Security.Cryptography;
using MirrorGate.Grains.Secrets;

namespace MirrorGate.Grains.Tokens;

/// <summary>
/// The tokens MirrorGate issues to users: <c>mg-</c>, 43 random base64url characters, then a 22-character keyed
/// tag of them. The front end checks the tag before anything else, so a guessed or forged <c>mg-…</c> bearer costs
/// one HMAC: no grain activation and no storage read.
/// </summary>
public sealed class UserTokens(SecretProtector protector)
{
    /// <summary>Every token MirrorGate issues to users starts with this, which is how a bearer is recognised as one.</summary>
    public const string Prefix = "mg-";

    private const int BodyLength = 43;
    private const int TagLength = 22;

    public string Issue()
    {
        var body = Base64UrlBody();
        return Prefix + body + protector.Tag(body);
    }

    /// <summary>Whether <paramref name="token"/> has the shape and a valid tag of a token this gateway issued.</summary>
    public bool IsGenuine(string token) =>
        token.Length == Prefix.Length + BodyLength + TagLength
        && token.StartsWith(Prefix, StringComparison.Ordinal)
        && protector.VerifyTag(token.AsSpan(Prefix.Length, BodyLength), token.AsSpan(Prefix.Length + BodyLength));

    /// <summary>The key of the token's index entry: a keyed hash, never the token.</summary>
    public string IndexKey(string token) => protector.LookupHash(token);

    private static string Base64UrlBody() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
