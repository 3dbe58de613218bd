namespace MirrorGate.Api.FreeAccounts;

/// <summary>
/// Aurora's free (no-login) device ids (configuration section <c>FreeAccounts</c>; the flat variables
/// <c>FREE_ACCOUNTS</c> and <c>FREE_ACCOUNTS_NUM</c> win over it). Free ids serve pool callers only when no logged-in
/// account can, on the anonymous path (<c>/backend-anon</c>) and only for models of the free plan; login-only endpoints
/// (speech) never fall back to them.
/// </summary>
public sealed class FreeAccountsOptions
{
    public const string SectionName = "FreeAccounts";

    /// <summary>Generate <see cref="Count"/> random device ids at start (<c>FREE_ACCOUNTS</c>).</summary>
    /// <value><c>false</c> by default: Aurora's code default (its README's example shows true).</value>
    public bool Enabled { get; set; }

    /// <summary>How many device ids to generate (<c>FREE_ACCOUNTS_NUM</c>).</summary>
    /// <value>1024 by default, as Aurora.</value>
    public int Count { get; set; } = 1024;

    /// <summary>
    /// Aurora's <c>free_tokens.txt</c>: one device UUID per line, <c>#</c> and blank lines ignored, read from the token
    /// files' folder (<c>TokenFiles:Directory</c>) whenever <c>TokenFiles:Enabled</c>, whatever <see cref="Enabled"/> says.
    /// A line that is no UUID is skipped.
    /// </summary>
    /// <value><c>free_tokens.txt</c> by default.</value>
    public string File { get; set; } = "free_tokens.txt";

    /// <summary>How often the file's time stamp is looked at for changes.</summary>
    /// <value>5 seconds by default.</value>
    public TimeSpan FileCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
