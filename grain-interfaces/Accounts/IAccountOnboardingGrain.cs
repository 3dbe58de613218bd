namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>
/// Turns a refresh or session token, which does not show whose it is, into an account keyed by its e-mail (key:
/// keyed hash of the token). The token is spent here once, under a stored claim; the tokens it returns are stored
/// before they are used, then handed to the account's grain. Importing the same token again returns that account
/// without spending anything.
/// </summary>
[Alias("mg.IAccountOnboardingGrain")]
public interface IAccountOnboardingGrain : IGrainWithStringKey
{
    Task<AccountResult> OnboardAsync(AccountRegistration registration);

    /// <summary>
    /// The account this token was already handed to, or null when it has not been imported (yet). Spends nothing:
    /// a caller that meets the same token again (token files on every node, or after a restart) reads the account
    /// instead of importing it twice, which the upstream would punish by revoking the account's token family.
    /// </summary>
    Task<string?> GetImportedAccountIdAsync();
}
