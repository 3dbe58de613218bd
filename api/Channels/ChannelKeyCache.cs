using System.Collections.Concurrent;
using MirrorGate.GrainInterfaces.Channels;

namespace MirrorGate.Api.Channels;

/// <summary>
/// This node's copies of channel keys, so a request does not call the key's grain (often on another silo) before
/// every upstream call. A copy is used while the pool's snapshot of the key shows the same <see cref="ChannelKeySnapshot.KeyVersion"/>;
/// the grain stays the only place the key is stored (encrypted). Held in memory only, never logged.
/// </summary>
public sealed class ChannelKeyCache(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The key for <paramref name="snapshot"/>'s version; null when its grain no longer has one.</summary>
    public ValueTask<string?> GetAsync(ChannelKeySnapshot snapshot) =>
        _entries.TryGetValue(snapshot.KeyId, out var entry) && entry.Version == snapshot.KeyVersion
            ? ValueTask.FromResult<string?>(entry.Key)
            : FetchAsync(snapshot);

    private async ValueTask<string?> FetchAsync(ChannelKeySnapshot snapshot)
    {
        var key = await grains.GetGrain<IChannelKeyGrain>(snapshot.KeyId).GetKeyAsync();
        if (key is not { } secret)
        {
            _entries.TryRemove(snapshot.KeyId, out _);
            return null;
        }

        _entries[snapshot.KeyId] = new Entry(snapshot.KeyVersion, secret.Value);
        return secret.Value;
    }

    /// <summary>A key and the version it belongs to. Its <see cref="ToString"/> hides the key, should anything print it.</summary>
    private sealed record Entry(long Version, string Key)
    {
        public override string ToString() => $"Entry {{ Version = {Version}, Key = *** }}";
    }
}
