namespace MirrorGate.Grains.Secrets;

/// <summary>Where the key that protects stored secrets comes from (configuration section <c>Secrets</c>).</summary>
public sealed class SecretsOptions
{
    public const string SectionName = "Secrets";

    /// <summary>
    /// Base64 of 32 random bytes. Required in a cluster (the same on every node). When empty, a key is
    /// created once in <c>{DataDirectory}/secret.key</c>, readable only by the owner.
    /// </summary>
    /// <value>Empty by default.</value>
    public string? Key { get; set; }
}
