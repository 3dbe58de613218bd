namespace MirrorGate.GrainInterfaces.Users;

/// <summary>The credentials a user is given: chatgpt-gateway's two, and SoruxGPT's activation codes.</summary>
[Alias("mg.UserTokenKind")]
public enum UserTokenKind
{
    /// <summary>Long-lived API token mapped to an account's current access token (<c>/api/get-mirror-token</c>).</summary>
    Mirror,

    /// <summary>The <c>user-gateway-token</c> from <c>/api/login</c>, also used by the no-login link.</summary>
    Login,

    /// <summary>
    /// An activation code (SoruxGPT): a bearer for the account pool within a plan tier, until it expires. Either one
    /// MirrorGate generated (an <c>mg-…</c> token) or one an operator brought from another system.
    /// </summary>
    ActivationCode,
}
