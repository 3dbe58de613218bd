using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.GrainInterfaces.Tokens;

/// <summary>
/// Resolves one issued user token (key: keyed hash of the token, never the token) to its user and
/// account. This index is what a bearer is looked up in; the user grain is the owner that issues
/// and revokes entries.
/// </summary>
public interface ITokenGrain : IGrainWithStringKey
{
    Task IssueAsync(TokenRecord record);

    /// <summary>The record, or null for an unknown or revoked token.</summary>
    Task<TokenRecord?> ResolveAsync();

    Task RevokeAsync();
}
