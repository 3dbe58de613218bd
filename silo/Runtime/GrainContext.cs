namespace MirrorGate.Silo.Runtime;

/// <summary>Identity of one grain activation: its grain type name and key.</summary>
public sealed class GrainContext(string grainType, string key)
{
    private volatile bool _deactivationRequested;

    /// <summary>Stable grain type name, also the storage name (see <see cref="GrainTypeAttribute"/>).</summary>
    public string GrainType { get; } = grainType;

    public string Key { get; } = key;

    internal bool DeactivationRequested => _deactivationRequested;

    internal void RequestDeactivation() => _deactivationRequested = true;

    public override string ToString() => $"{GrainType}/{Key}";
}
