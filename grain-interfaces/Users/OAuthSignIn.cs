using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Tokens;

namespace MirrorGate.GrainInterfaces.Users;

/// <summary>What the operator's OAuth hook says about a user (SoruxGPT's fields, with its defaults filled in).</summary>
[GenerateSerializer, Immutable, Alias("mg.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] string? Avatar,
    [property: Id(1)] string Email,
    [property: Id(2)] string Nickname,
    [property: Id(3)] string Uid)
{
    public const string DefaultEmail = "default-user@gmail.com";
    public const string DefaultNickname = "default-user";
    public const string DefaultUid = "1";
}

/// <summary>
/// A bearer the OAuth hook vouched for: it becomes (or stays) an activation code of the user, with the hook's profile,
/// pool preference, an API key as one more credential of the user, and the token its hooks are to be shown.
/// </summary>
/// <param name="UserToken">The bearer the hook was asked about (<c>usertoken</c>).</param>
/// <param name="RecheckAt">When the hook must be asked about the credentials again.</param>
/// <param name="Plan">The plan tier the credentials allow.</param>
[GenerateSerializer, Immutable, Alias("mg.OAuthSignIn")]
public sealed record OAuthSignIn(
    [property: Id(0)] Secret UserToken,
    [property: Id(1)] UserProfile Profile,
    [property: Id(2)] string? PreferredPlan,
    [property: Id(3)] Secret? ApiKey,
    [property: Id(4)] Secret? ForceToken,
    [property: Id(5)] DateTimeOffset RecheckAt,
    [property: Id(6)] string Plan);

/// <summary>The credential's new index record, or why it could not be issued; and why the API key was not, if it was not.</summary>
[GenerateSerializer, Immutable, Alias("mg.OAuthSignInResult")]
public sealed record OAuthSignInResult([property: Id(0)] TokenRecord? Record, [property: Id(1)] string? Refusal, [property: Id(2)] string? ApiKeyRefusal = null);
