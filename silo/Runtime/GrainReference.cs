using System.Reflection;

namespace MirrorGate.Silo.Runtime;

/// <summary>
/// The object a caller holds for a grain: a <see cref="DispatchProxy"/> implementing the grain's
/// contract. Each call is handed to the <see cref="GrainCatalog"/>, which finds or creates the
/// activation and queues the call as one turn. Not sealed: DispatchProxy derives from it.
/// </summary>
internal class GrainReference : DispatchProxy
{
    private GrainCatalog? _catalog;
    private GrainTypeInfo? _type;
    private string? _key;

    internal void Bind(GrainCatalog catalog, GrainTypeInfo type, string key)
    {
        _catalog = catalog;
        _type = type;
        _key = key;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return GrainMethodTable.InvokerFor(targetMethod)(this, targetMethod, args);
    }

    internal Task<T> InvokeAsync<T>(MethodInfo method, object?[]? args) =>
        _catalog!.InvokeAsync<T>(_type!, _key!, method, args);

    internal Task InvokeVoidAsync(MethodInfo method, object?[]? args) =>
        _catalog!.InvokeAsync<NoResult>(_type!, _key!, method, args);

    public override string ToString() => $"{_type?.Name}/{_key}";
}

/// <summary>Stands in for the result of a grain method that returns a plain <see cref="Task"/>.</summary>
internal readonly record struct NoResult;
