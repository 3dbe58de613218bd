using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>What a request needs to call the upstream as one account.</summary>
[GenerateSerializer, Immutable, Alias("mg.AccountCredential")]
public sealed record AccountCredential(
    [property: Id(0)] string AccountId,
    [property: Id(1)] Secret AccessToken,
    [property: Id(2)] string DeviceId,
    [property: Id(3)] string? TeamAccountId,
    [property: Id(4)] string? ProxyUrl)
{
    /// <summary>When <see cref="AccessToken"/> expires (null: unknown); a node may reuse the credential until shortly before.</summary>
    [Id(5)]
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>A credential, or why the account cannot serve now.</summary>
[GenerateSerializer, Immutable, Alias("mg.CredentialResult")]
public sealed record CredentialResult(
    [property: Id(0)] AccountCredential? Credential,
    [property: Id(1)] AccountError? Error,
    [property: Id(2)] string? Message)
{
    public bool Succeeded => Credential is not null;

    public static CredentialResult Ok(AccountCredential credential) => new(credential, null, null);

    public static CredentialResult Fail(AccountError error, string message) => new(null, error, message);
}
