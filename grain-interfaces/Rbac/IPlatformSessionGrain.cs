namespace MirrorGate.GrainInterfaces.Rbac;

/// <summary>
/// One login session (key: the keyed lookup hash of the session token; the token itself is stored nowhere). Carries
/// who is logged in, so resolving a request's caller costs one grain call.
/// </summary>
[Alias("mg.IPlatformSessionGrain")]
public interface IPlatformSessionGrain : IGrainWithStringKey
{
    Task StartAsync(PlatformSession session);

    /// <summary>The live session; null when unknown, ended or expired at <paramref name="now"/>.</summary>
    Task<PlatformSession?> GetAsync(DateTimeOffset now);

    Task EndAsync();
}

[GenerateSerializer, Immutable, Alias("mg.PlatformSession")]
public sealed record PlatformSession(
    [property: Id(0)] string UserId,
    [property: Id(1)] string OrgId,
    [property: Id(2)] string Username,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset ExpiresAt);
