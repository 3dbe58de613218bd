using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Audit;

/// <summary>
/// One change made through the admin APIs: who (a console user and role, or <c>admin-api</c> / <c>saas-admin-api</c> for
/// the APIs' own secrets), what (method, route pattern, target, a summary with every secret field removed), when, and
/// the answer's status. Never holds a password, token or key.
/// </summary>
[GenerateSerializer]
[Alias("mg.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Role,
    [property: Id(4)] string Method,
    [property: Id(5)] string Route,
    [property: Id(6)] string? Target,
    [property: Id(7)] string Summary,
    [property: Id(8)] int Status);

/// <summary>A page of the audit log, newest first, and how many entries match in all.</summary>
[GenerateSerializer]
[Alias("mg.AuditPage")]
public sealed record AuditPage([property: Id(0)] long Total, [property: Id(1)] ImmutableArray<AuditEntry> Entries);
