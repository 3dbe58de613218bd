namespace MirrorGate.Silo.Runtime;

/// <summary>Settings of the grain runtime (configuration section <c>Grains</c>).</summary>
public sealed class GrainRuntimeOptions
{
    public const string SectionName = "Grains";

    /// <summary>An activation unused for this long is dropped.</summary>
    /// <value>15 minutes by default.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    /// <value>1 minute by default.</value>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether an activation whose states were never stored reads them again before each later call.
    /// Set by cluster mode: a first write there is not announced to other nodes (announcing every new
    /// conversation serialised commits server-wide), so another node's "never stored" copy must not be
    /// trusted for long. One node alone never needs it.
    /// </summary>
    public bool ReloadEmptyStates { get; set; }
}
