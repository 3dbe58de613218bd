using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.Api.Auth;

/// <summary>Reading <c>Authorization: Bearer …</c> and comparing it with a configured secret, the same way everywhere.</summary>
public static class BearerHeader
{
    /// <summary>The value after <c>Bearer </c>, trimmed; null when the header uses another scheme or none.</summary>
    public static string? Token(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;

    /// <summary>Constant-time comparison, so a wrong key's timing says nothing about the right one.</summary>
    public static bool SecretEquals(string given, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(secret));
}
