using System.Collections.Concurrent;
using MirrorGate.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>Wraps the node's grain storage and counts writes per state name, to check how much a request writes.</summary>
public sealed class CountingStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);

    public int Writes(string stateName) => _writes.GetValueOrDefault(stateName);

    /// <summary>Puts a counting wrapper around the node's default storage; <paramref name="created"/> receives it.</summary>
    public static void Install(IServiceCollection services, Action<CountingStorage> created) =>
        services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) =>
        {
            var storage = new CountingStorage(NodeHosting.CreateDefaultStorage(sp));
            created(storage);
            return storage;
        });

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _writes.AddOrUpdate(stateName, 1, static (_, n) => n + 1);
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
