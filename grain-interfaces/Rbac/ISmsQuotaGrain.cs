using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Rbac;

/// <summary>
/// How many SMS codes one phone number or one client address has been sent lately (key: <c>phone:…</c> or
/// <c>addr:…</c>). Each sending takes one unit under every given limit, or none when any limit is full.
/// </summary>
[Alias("mg.ISmsQuotaGrain")]
public interface ISmsQuotaGrain : IGrainWithStringKey
{
    Task<SmsQuotaDecision> TryTakeAsync(ImmutableArray<SmsLimit> limits, DateTimeOffset now);
}

/// <summary>At most <paramref name="Count"/> sendings within any <paramref name="Window"/>.</summary>
[GenerateSerializer, Immutable, Alias("mg.SmsLimit")]
public sealed record SmsLimit([property: Id(0)] int Count, [property: Id(1)] TimeSpan Window);

[GenerateSerializer, Immutable, Alias("mg.SmsQuotaDecision")]
public sealed record SmsQuotaDecision([property: Id(0)] bool Allowed, [property: Id(1)] TimeSpan RetryAfter);
