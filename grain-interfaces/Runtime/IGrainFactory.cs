namespace MirrorGate.GrainInterfaces.Runtime;

/// <summary>Hands out references to grains by contract and key.</summary>
public interface IGrainFactory
{
    /// <summary>
    /// Returns a reference to the grain <typeparamref name="TGrain"/> with <paramref name="key"/>.
    /// Getting a reference is cheap and does not activate the grain; the first call does.
    /// </summary>
    TGrain GetGrain<TGrain>(string key)
        where TGrain : class, IGrainWithStringKey;
}
