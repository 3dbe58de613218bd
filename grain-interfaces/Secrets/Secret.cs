namespace MirrorGate.GrainInterfaces.Secrets;

/// <summary>
/// A credential (upstream token, key). Printed as <c>***</c>, so a record carrying one can be logged or
/// shown in an exception without leaking it, and encrypted by the grain storage serializer at rest.
/// Between nodes it travels in clear inside the cluster's own connections.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.Secret")]
public readonly record struct Secret([property: Id(0)] string Value)
{
    public override string ToString() => "***";

    /// <summary>A secret for a non-empty value, else null.</summary>
    public static Secret? From(string? value) => string.IsNullOrEmpty(value) ? null : new Secret(value);
}
