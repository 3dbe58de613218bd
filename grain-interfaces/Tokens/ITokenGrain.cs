namespace MirrorGate.GrainInterfaces.Tokens;

/// <summary>
/// Resolves one issued user token (key: keyed hash of the token, never the token) to its user and account. This
/// index is what a bearer is looked up in; the user grain is the owner that issues and revokes entries. The front
/// end checks a token's tag before it asks here, so a forged token never activates one of these.
/// </summary>
[Alias("mg.ITokenGrain")]
public interface ITokenGrain : IGrainWithStringKey
{
    /// <summary>
    /// Enters the record; false (nothing changed) when the entry is held by another user. The same user may enter it
    /// again, with new terms.
    /// </summary>
    Task<bool> IssueAsync(TokenRecord record);

    /// <summary>The record, or null for an unknown or revoked token.</summary>
    Task<TokenRecord?> ResolveAsync();

    Task RevokeAsync();
}
