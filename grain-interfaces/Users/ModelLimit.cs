namespace MirrorGate.GrainInterfaces.Users;

/// <summary>
/// "At most <paramref name="LimitCount"/> messages to <paramref name="ModelName"/> per <paramref name="EveryMinute"/>
/// minutes", and optionally at most <see cref="TokensPerMinute"/> tokens a minute and <see cref="MaxConcurrent"/>
/// requests at once. A <paramref name="LimitCount"/> of 0 caps no message count (a limit of tokens or concurrency only).
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.ModelLimit")]
public sealed record ModelLimit([property: Id(0)] string ModelName, [property: Id(1)] int EveryMinute, [property: Id(2)] int LimitCount)
{
    /// <summary>
    /// Tokens (prompt and completion) per sliding minute; 0: none. A request is admitted only if the tokens spent in
    /// the last minute, plus those reserved by requests in flight, plus its own estimate fit; when it ends its
    /// reservation is replaced by what the upstream reported.
    /// </summary>
    [Id(3)]
    public int TokensPerMinute { get; init; }

    /// <summary>Requests in flight at once; 0: no cap.</summary>
    [Id(4)]
    public int MaxConcurrent { get; init; }

    /// <summary>Whether a granted use must be settled (tokens reported, slot freed) when its request ends.</summary>
    public bool NeedsSettlement => TokensPerMinute > 0 || MaxConcurrent > 0;
}
