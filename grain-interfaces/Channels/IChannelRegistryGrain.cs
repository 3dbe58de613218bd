namespace MirrorGate.GrainInterfaces.Channels;

/// <summary>
/// The defined channels (one grain, key <see cref="Key"/>): read by the admin API and when a node fills its pool view,
/// written when an operator adds a channel. Never on a request's path.
/// </summary>
[Alias("mg.IChannelRegistryGrain")]
public interface IChannelRegistryGrain : IGrainWithStringKey
{
    const string Key = "channels";

    /// <summary>Adds or replaces a channel's definition (with its key ids).</summary>
    Task SaveAsync(ChannelDefinition channel);

    Task<ChannelDefinition?> GetAsync(string channelId);

    Task<IReadOnlyList<ChannelDefinition>> ListAsync();
}
