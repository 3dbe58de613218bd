using System.Reflection;
using MirrorGate.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Silo.Runtime;

/// <summary>
/// What the runtime knows about one registered grain class: its contract, its storage name, and how
/// to build an instance. Constructor parameters of type <c>IPersistentState&lt;T&gt;</c> are created
/// by the runtime for the activation's key; every other parameter comes from dependency injection.
/// All reflection happens here, once, at registration.
/// </summary>
internal sealed class GrainTypeInfo
{
    private readonly ObjectFactory _factory;
    private readonly StateSlot[] _stateSlots;

    private GrainTypeInfo(Type interfaceType, Type implementationType, string name, ObjectFactory factory, StateSlot[] stateSlots)
    {
        IdleTimeout = implementationType.GetCustomAttribute<IdleTimeoutAttribute>()?.IdleTimeout;
        InterfaceType = interfaceType;
        ImplementationType = implementationType;
        Name = name;
        _factory = factory;
        _stateSlots = stateSlots;
    }

    public Type InterfaceType { get; }

    public Type ImplementationType { get; }

    public string Name { get; }

    /// <summary>This grain class's own idle timeout, if it sets one.</summary>
    public TimeSpan? IdleTimeout { get; }

    public static GrainTypeInfo Create(Type interfaceType, Type implementationType)
    {
        if (!typeof(Grain).IsAssignableFrom(implementationType) || !interfaceType.IsAssignableFrom(implementationType))
        {
            throw new ArgumentException($"{implementationType} must derive from Grain and implement {interfaceType}.");
        }

        GrainMethodTable.Validate(interfaceType);
        var name = implementationType.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? implementationType.Name;
        var constructors = implementationType.GetConstructors();
        if (constructors.Length != 1)
        {
            throw new ArgumentException($"Grain {implementationType} must have exactly one public constructor.");
        }

        var slots = new List<StateSlot>();
        foreach (var parameter in constructors[0].GetParameters())
        {
            var type = parameter.ParameterType;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IPersistentState<>))
            {
                var stateName = parameter.GetCustomAttribute<PersistentStateAttribute>()?.StateName ?? "state";
                if (slots.Exists(s => s.ParameterType == type))
                {
                    throw new ArgumentException($"Grain {implementationType} has two persistent states of type {type}; wrap them in one state record.");
                }

                slots.Add(new StateSlot(type, stateName, PersistentStateFactory.CreatorFor(type.GetGenericArguments()[0])));
            }
        }

        var factory = ActivatorUtilities.CreateFactory(implementationType, [.. slots.Select(s => s.ParameterType)]);
        return new GrainTypeInfo(interfaceType, implementationType, name, factory, [.. slots]);
    }

    /// <summary>Builds an unactivated instance and the persistent states it was given.</summary>
    public (Grain Grain, IPersistentStateLoader[] States) CreateInstance(IServiceProvider services, GrainContext context)
    {
        var storage = services.GetRequiredService<IGrainStorage>();
        var serializer = services.GetRequiredService<GrainStateSerializer>();
        var states = new IPersistentStateLoader[_stateSlots.Length];
        for (var i = 0; i < _stateSlots.Length; i++)
        {
            states[i] = _stateSlots[i].Create(storage, serializer, new GrainStateId(context.GrainType, context.Key, _stateSlots[i].StateName));
        }

        var grain = (Grain)_factory(services, states);
        grain.Bind(context);
        return (grain, states);
    }

    private sealed record StateSlot(Type ParameterType, string StateName, Func<IGrainStorage, GrainStateSerializer, GrainStateId, IPersistentStateLoader> Create);
}
