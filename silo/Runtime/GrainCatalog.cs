using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Silo.Runtime;

/// <summary>
/// The activations living on this node, at most one per grain type and key. Within a node that is
/// a guarantee; across nodes it is not (two nodes may briefly hold the same grain), which is why state
/// writes carry a version check and values that must be exact live in the counter stores.
/// </summary>
public sealed partial class GrainCatalog(IServiceProvider services, TimeProvider time, IOptionsMonitor<GrainRuntimeOptions> options, ILogger<GrainCatalog> logger)
{
    private readonly ConcurrentDictionary<ActivationKey, GrainActivation> _activations = new();
    private readonly ConcurrentDictionary<string, GrainTypeInfo> _typesByName = new(StringComparer.Ordinal);

    internal TimeProvider Time { get; } = time;

    internal bool ReloadEmptyStates => options.CurrentValue.ReloadEmptyStates;

    /// <summary>Number of live activations on this node.</summary>
    public int Count => _activations.Count;

    internal async Task<T> InvokeAsync<T>(GrainTypeInfo type, string key, MethodInfo method, object?[]? args)
    {
        while (true)
        {
            var activation = _activations.GetOrAdd(new ActivationKey(type, key), static (k, self) => self.Create(k), this);
            var (ran, result) = await activation.TryRunAsync<T>(method, args);
            if (ran)
            {
                return result;
            }
        }
    }

    /// <summary>Drops activations idle longer than their grain class's timeout, or the configured one.</summary>
    public async Task<int> CollectIdleAsync()
    {
        var idleTimeout = options.CurrentValue.IdleTimeout;
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (Time.GetElapsedTime(activation.LastUsedTimestamp) >= (activation.Type.IdleTimeout ?? idleTimeout) && await activation.TryDeactivateIfIdleAsync())
            {
                collected++;
            }
        }

        if (collected > 0)
        {
            LogCollected(logger, collected, _activations.Count);
        }

        return collected;
    }

    /// <summary>Deactivates every activation, waiting for running turns; used at shutdown.</summary>
    public async Task DeactivateAllAsync()
    {
        foreach (var activation in _activations.Values)
        {
            await activation.DeactivateAsync();
        }
    }

    /// <summary>Marks this node's activation of a grain for reload if it holds an older version of the state.</summary>
    public void MarkStale(string grainType, string key, string stateName, long version)
    {
        if (_typesByName.TryGetValue(grainType, out var type) && _activations.TryGetValue(new ActivationKey(type, key), out var activation))
        {
            activation.MarkStale(stateName, version);
        }
    }

    /// <summary>Marks every activation on this node for reload (this node may have missed changes).</summary>
    public void MarkAllStale()
    {
        foreach (var activation in _activations.Values)
        {
            activation.MarkStale();
        }
    }

    internal void Remove(GrainActivation activation) =>
        _activations.TryRemove(new KeyValuePair<ActivationKey, GrainActivation>(new ActivationKey(activation.Type, activation.Context.Key), activation));

    private GrainActivation Create(ActivationKey key)
    {
        _typesByName.TryAdd(key.Type.Name, key.Type);
        return new(this, key.Type, new GrainContext(key.Type.Name, key.Key), services, logger);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Collected {Collected} idle activations; {Remaining} remain")]
    private static partial void LogCollected(ILogger logger, int collected, int remaining);

    private readonly record struct ActivationKey(GrainTypeInfo Type, string Key);
}
