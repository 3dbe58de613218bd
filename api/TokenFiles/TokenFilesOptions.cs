namespace MirrorGate.Api.TokenFiles;

/// <summary>
/// Aurora's account files (configuration section <c>TokenFiles</c>): one token per line, blank and <c>#</c> lines
/// ignored, an optional <c>:&lt;team id&gt;</c> suffix naming the Team workspace.
/// </summary>
public sealed class TokenFilesOptions
{
    public const string SectionName = "TokenFiles";

    /// <summary>Whether the files are read at all.</summary>
    /// <value>True by default, as Aurora always reads them.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The folder holding the files; a relative path is taken from the working directory.</summary>
    /// <value>The working directory by default, as Aurora reads its project root.</value>
    public string Directory { get; set; } = ".";

    /// <summary>Access tokens (JWTs), used until they expire.</summary>
    /// <value><c>access_tokens.txt</c> by default.</value>
    public string AccessTokensFile { get; set; } = "access_tokens.txt";

    /// <summary>Refresh tokens, each spent once (in its onboarding grain) for an access token.</summary>
    /// <value><c>refresh_tokens.txt</c> by default.</value>
    public string RefreshTokensFile { get; set; } = "refresh_tokens.txt";

    /// <summary>Session tokens (the <c>__Secure-next-auth.session-token</c> cookie), each spent once for an access token.</summary>
    /// <value><c>session_tokens.txt</c> by default.</value>
    public string SessionTokensFile { get; set; } = "session_tokens.txt";

    /// <summary>How long the files must stay quiet after a change before they are read: an editor's save is often several events.</summary>
    /// <value>500 ms by default.</value>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the files are read even without a change event, the safety net for file systems whose watchers miss events.</summary>
    /// <value>1 minute by default.</value>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The folder as an absolute path.</summary>
    public string FullDirectory => Path.GetFullPath(string.IsNullOrWhiteSpace(Directory) ? "." : Directory);

    /// <summary>The three files with the kind of token each holds.</summary>
    public IReadOnlyList<(TokenFileKind Kind, string FileName)> Files =>
        [(TokenFileKind.Access, AccessTokensFile), (TokenFileKind.Refresh, RefreshTokensFile), (TokenFileKind.Session, SessionTokensFile)];
}

/// <summary>What a token file holds.</summary>
public enum TokenFileKind
{
    Access,
    Refresh,
    Session,
}
