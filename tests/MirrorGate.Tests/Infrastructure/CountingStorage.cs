using System.Collections.Concurrent;
using MirrorGate.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>Wraps the node's grain storage and counts writes and reads per state name, to check how much a request writes or reads.</summary>
public sealed class CountingStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);

    public int Writes(string stateName) => _writes.GetValueOrDefault(stateName);

    /// <summary>Reads of <paramref name="stateName"/> so far: one per activation of a grain with that state.</summary>
    public int Reads(string stateName) => _reads.GetValueOrDefault(stateName);

    /// <summary>Reads of every state so far.</summary>
    public int TotalReads => _reads.Values.Sum();

    /// <summary>Puts a counting wrapper around the node's default storage; <paramref name="created"/> receives it.</summary>
    public static void Install(IServiceCollection services, Action<CountingStorage> created) =>
        services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) =>
        {
            var storage = new CountingStorage(NodeHosting.CreateDefaultStorage(sp));
            created(storage);
            return storage;
        });

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _reads.AddOrUpdate(stateName, 1, static (_, n) => n + 1);
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _writes.AddOrUpdate(stateName, 1, static (_, n) => n + 1);
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
