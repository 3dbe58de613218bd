namespace MirrorGate.Api.Auth;

/// <summary>How this node keeps copies of the token records its bearers resolved to (configuration section <c>TokenCache</c>).</summary>
public sealed class TokenCacheOptions
{
    public const string SectionName = "TokenCache";

    /// <summary>How many records this node keeps; when full it starts over empty.</summary>
    /// <value>100 000 by default.</value>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>
    /// How long a copy is used before the token's grain is asked again: the bound on how long a node that missed a
    /// pushed change (a revocation) goes on accepting the old record. Zero asks the grain on every request.
    /// </summary>
    /// <value>60 seconds by default.</value>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(60);
}
