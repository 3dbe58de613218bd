using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Secrets;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Console;

/// <summary>
/// Console sessions as signed cookies, valid on every node of a cluster: the signing key is derived from the shared
/// secrets key (<see cref="SecretProtector.DeriveKey"/>), not from a node's own data-protection keys. A cookie is
/// <c>v1.</c> + base64url(JSON {name, role, id, expiry}) + <c>.</c> + base64url(HMAC-SHA256). The MAC also covers the
/// role's current password, so changing a password ends every session signed in with it. The CSRF token is a MAC of
/// the session id under a second derived key: bound to the session, computable by any node, stored nowhere.
/// Sign-out deletes the cookie; the session itself is stateless and ends at its expiry.
/// </summary>
public sealed class ConsoleSessionCodec(SecretProtector protector, ConsolePasswords passwords, IOptionsMonitor<ConsoleOptions> options, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    private const string Version = "v1";
    private readonly byte[] _sessionKey = protector.DeriveKey("console-session");
    private readonly byte[] _csrfKey = protector.DeriveKey("console-csrf");

    public ConsoleSession Start(string name, string role) =>
        new(name, role, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), time.GetUtcNow() + options.CurrentValue.SessionLifetime);

    public string Encode(ConsoleSession session)
    {
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Payload(session.Name, session.Role, session.Id, session.ExpiresAt.ToUnixTimeSeconds())));
        return $"{Version}.{payload}.{Mac(payload, session.Role)}";
    }

    /// <summary>The session a cookie carries; null when it is forged, malformed, expired or signed under an old password.</summary>
    public ConsoleSession? Decode(string? cookie)
    {
        var parts = cookie?.Split('.');
        if (parts is not [Version, var payload, var mac] || payload.Length > 1024)
        {
            return null;
        }

        Payload? read;
        try
        {
            read = JsonSerializer.Deserialize<Payload>(Base64Url.DecodeFromChars(payload));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }

        if (read is not { Name: { Length: > 0 }, Role: ConsoleRoles.Admin or ConsoleRoles.Operator, Id: { Length: > 0 } }
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(payload, read.Role)), Encoding.ASCII.GetBytes(mac)))
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(read.Exp);
        return expiresAt <= time.GetUtcNow() ? null : new ConsoleSession(read.Name, read.Role, read.Id, expiresAt);
    }

    public string CsrfToken(ConsoleSession session) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_csrfKey, Encoding.UTF8.GetBytes(session.Id)));

    public bool CsrfMatches(ConsoleSession session, string? presented) =>
        presented is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(CsrfToken(session)), Encoding.ASCII.GetBytes(presented));

    private string Mac(string payload, string role) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_sessionKey, Encoding.UTF8.GetBytes($"{payload}\n{passwords.For(role)}")));

    private sealed record Payload(string Name, string Role, string Id, long Exp);
}
