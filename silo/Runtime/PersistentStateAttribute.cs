namespace MirrorGate.Silo.Runtime;

/// <summary>
/// Names one persistent state of a grain, on a constructor parameter of type
/// <c>IPersistentState&lt;T&gt;</c>. Without it the state is named <c>"state"</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    public string StateName { get; } = stateName;
}
