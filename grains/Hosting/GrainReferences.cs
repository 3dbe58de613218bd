using System.Collections.Concurrent;
using Orleans.Metadata;

namespace MirrorGate.Grains.Hosting;

/// <summary>
/// Grain references for the request path. <c>IGrainFactory.GetGrain&lt;T&gt;(string)</c> works out <c>T</c>'s grain
/// interface type again on every call (custom attributes read by reflection, then the type's name formatted and
/// parsed): in a profile of a channel request under load that was 6 % of the gateway's CPU, for three references per
/// request. Here each interface is resolved once per node and a reference is built from its id, which is what
/// <c>GetGrain</c> ends with anyway. Use it where a request builds references; elsewhere <c>GetGrain</c> is fine.
/// </summary>
public sealed class GrainReferences(IGrainFactory grains, GrainInterfaceTypeResolver interfaceTypes, GrainInterfaceTypeToGrainTypeResolver grainTypes)
{
    private readonly ConcurrentDictionary<Type, (GrainType Grain, GrainInterfaceType Interface)> _types = new();

    /// <summary>The same reference as <c>GetGrain&lt;T&gt;(key)</c>.</summary>
    public T Get<T>(string key)
        where T : IGrainWithStringKey
    {
        var (grain, @interface) = _types.GetOrAdd(typeof(T), Resolve);
        return (T)grains.GetGrain(GrainId.Create(grain, key), @interface);
    }

    private (GrainType, GrainInterfaceType) Resolve(Type type)
    {
        var @interface = interfaceTypes.GetGrainInterfaceType(type);
        return (grainTypes.GetGrainType(@interface), @interface);
    }
}
