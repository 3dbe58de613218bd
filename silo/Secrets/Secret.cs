namespace MirrorGate.Silo.Secrets;

/// <summary>
/// A credential (upstream token, key). Stored encrypted by <see cref="SecretJsonConverter"/>, and
/// printed as <c>***</c> so that a secret passed to a log call by mistake shows nothing.
/// </summary>
public readonly record struct Secret(string Value)
{
    public override string ToString() => "***";

    public static Secret? From(string? value) => string.IsNullOrEmpty(value) ? null : new Secret(value);
}
