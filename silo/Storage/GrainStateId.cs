namespace MirrorGate.Silo.Storage;

/// <summary>Identity of one stored state: grain type name, grain key and state name.</summary>
public readonly record struct GrainStateId(string GrainType, string Key, string StateName)
{
    public override string ToString() => $"{GrainType}/{Key}/{StateName}";
}
