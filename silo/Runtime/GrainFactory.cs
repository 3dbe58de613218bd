using System.Reflection;
using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.Silo.Runtime;

/// <summary>Hands out <see cref="GrainReference"/> proxies for the grain types registered at startup.</summary>
internal sealed class GrainFactory(GrainCatalog catalog, IEnumerable<GrainRegistration> registrations) : IGrainFactory
{
    private readonly Dictionary<Type, GrainTypeInfo> _types = registrations.ToDictionary(r => r.Info.InterfaceType, r => r.Info);

    public TGrain GetGrain<TGrain>(string key)
        where TGrain : class, IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_types.TryGetValue(typeof(TGrain), out var type))
        {
            throw new InvalidOperationException($"No grain class is registered for {typeof(TGrain).Name}; call AddGrain<{typeof(TGrain).Name}, …>() at startup.");
        }

        var proxy = DispatchProxy.Create<TGrain, GrainReference>();
        ((GrainReference)(object)proxy).Bind(catalog, type, key);
        return proxy;
    }
}

/// <summary>One grain class registered with the runtime.</summary>
internal sealed record GrainRegistration(GrainTypeInfo Info);
