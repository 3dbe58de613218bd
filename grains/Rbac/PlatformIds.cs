using System.Security.Cryptography;

namespace MirrorGate.Grains.Rbac;

/// <summary>
/// Ids in the original's shape: <c>getID()</c> makes 21-character nanoid-like strings such as
/// <c>5jmzupARABxkDFwUraFiQ</c> (research D.2). Random from the system's cryptographic generator, since some (the SMS
/// code key, app ids) are handed to clients and must not be guessable.
/// </summary>
public static class PlatformIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 21);
}
