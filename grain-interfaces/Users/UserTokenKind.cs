namespace MirrorGate.GrainInterfaces.Users;

/// <summary>The two credentials a user is given (chatgpt-gateway's names).</summary>
[Alias("mg.UserTokenKind")]
public enum UserTokenKind
{
    /// <summary>Long-lived API token mapped to an account's current access token (<c>/api/get-mirror-token</c>).</summary>
    Mirror,

    /// <summary>The <c>user-gateway-token</c> from <c>/api/login</c>, also used by the no-login link.</summary>
    Login,
}
