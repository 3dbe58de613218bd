namespace MirrorGate.Silo.Runtime;

/// <summary>
/// Names a grain class for storage. The name is part of every stored row's key, so it must never
/// change once data exists; renaming the class is safe, renaming this value is a migration.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
