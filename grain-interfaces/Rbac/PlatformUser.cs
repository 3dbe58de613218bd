namespace MirrorGate.GrainInterfaces.Rbac;

/// <summary>
/// A platform user as the 元境 API shows it (the original's <c>users</c> row, research D.3): its id, name, the one
/// customer org it belongs to, and its phone. No secret, so it may be logged and returned.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.PlatformUser")]
public sealed record PlatformUser(
    [property: Id(0)] string Id,
    [property: Id(1)] string Username,
    [property: Id(2)] string OrgId,
    [property: Id(3)] string? NickName,
    [property: Id(4)] string Mobile,
    [property: Id(5)] DateTimeOffset CreatedAt)
{
    /// <summary>The original's <c>user_status</c>; <c>"0"</c> is an active user (what phone registration writes).</summary>
    [Id(6)]
    public string UserStatus { get; init; } = "0";

    [Id(7)]
    public DateTimeOffset? LastLogin { get; init; }
}
