namespace MirrorGate.GrainInterfaces.Users;

/// <summary>What an activation code allows: a plan tier, until an expiry (null: never).</summary>
[GenerateSerializer, Immutable, Alias("mg.ActivationCodeTerms")]
public sealed record ActivationCodeTerms([property: Id(0)] string Plan, [property: Id(1)] DateTimeOffset? ExpiresAt);

/// <summary>An activation code as the admin API lists it: never the code itself, only its last characters.</summary>
[GenerateSerializer, Immutable, Alias("mg.ActivationCodeInfo")]
public sealed record ActivationCodeInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Hint,
    [property: Id(2)] string Plan,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] DateTimeOffset IssuedAt);

/// <summary>The outcome of issuing an activation code: the code (to hand to the user once), or why not.</summary>
[GenerateSerializer, Immutable, Alias("mg.ActivationCodeIssue")]
public sealed record ActivationCodeIssue(
    [property: Id(0)] string? Code,
    [property: Id(1)] ActivationCodeInfo? Info,
    [property: Id(2)] string? Refusal)
{
    public bool Succeeded => Code is not null;

    /// <summary>Never the code: this record reaches logs through exceptions and tracing.</summary>
    public override string ToString() => Succeeded ? $"ActivationCodeIssue {{ Info = {Info} }}" : $"ActivationCodeIssue {{ Refusal = {Refusal} }}";
}
