namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>What a request needs to call the upstream as one account.</summary>
public sealed record AccountCredential(string AccountId, string AccessToken, string DeviceId, string? TeamAccountId, string? ProxyUrl);

/// <summary>A credential, or why the account cannot serve now.</summary>
public sealed record CredentialResult(AccountCredential? Credential, AccountError? Error, string? Message)
{
    public bool Succeeded => Credential is not null;

    public static CredentialResult Ok(AccountCredential credential) => new(credential, null, null);

    public static CredentialResult Fail(AccountError error, string message) => new(null, error, message);
}
