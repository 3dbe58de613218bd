using System.Reflection;

namespace MirrorGate.Silo.Storage;

/// <summary>Builds <see cref="PersistentState{TState}"/> for a state type known only at registration time.</summary>
internal static class PersistentStateFactory
{
    private static readonly MethodInfo CreateMethod =
        typeof(PersistentStateFactory).GetMethod(nameof(Create), BindingFlags.Static | BindingFlags.NonPublic)!;

    public static Func<IGrainStorage, GrainStateSerializer, GrainStateId, IPersistentStateLoader> CreatorFor(Type stateType) =>
        CreateMethod.MakeGenericMethod(stateType)
            .CreateDelegate<Func<IGrainStorage, GrainStateSerializer, GrainStateId, IPersistentStateLoader>>();

    private static PersistentState<TState> Create<TState>(IGrainStorage storage, GrainStateSerializer serializer, GrainStateId id)
        where TState : class, new() => new(storage, serializer, id);
}
