using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.GrainInterfaces.Channels;

/// <summary>
/// One API key of one channel (key: <see cref="ChannelIds.ForKey"/>): the key (encrypted at rest), a copy of its
/// channel's definition, its status and per-model cool-downs. Every change is pushed to every node's pool.
/// </summary>
[Alias("mg.IChannelKeyGrain")]
public interface IChannelKeyGrain : IGrainWithStringKey
{
    /// <summary>Stores the key and the channel's definition and puts the key in the pool; a key refused before becomes active again.</summary>
    Task<ChannelKeySnapshot> ConfigureAsync(ChannelDefinition channel, Secret key);

    /// <summary>Null when the key was never configured.</summary>
    Task<ChannelKeySnapshot?> GetSnapshotAsync();

    /// <summary>The key, for a node about to call the upstream; null when not configured.</summary>
    Task<Secret?> GetKeyAsync();

    /// <summary>The upstream answered 401 or 403: the key leaves the pool with the reason until an operator enables it.</summary>
    Task ReportRejectedAsync(int status, string reason);

    /// <summary>The upstream answered 429: the key cools down for <paramref name="model"/> until then.</summary>
    Task ReportRateLimitedAsync(string model, TimeSpan clearsIn);

    /// <summary>An operator takes the key out of service, or puts it back (which also clears a rejection and cool-downs).</summary>
    Task<ChannelKeySnapshot?> SetDisabledAsync(bool disabled, string? reason);
}
