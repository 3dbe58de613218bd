using MirrorGate.GrainInterfaces.Channels;

namespace MirrorGate.Grains.Channels;

/// <summary>The defined channels: small, written by operators only, read by the admin API and a node's pool reload.</summary>
[GrainType("channel-registry")]
public sealed class ChannelRegistryGrain([PersistentState("channel-registry")] IPersistentState<ChannelRegistryState> state) : Grain, IChannelRegistryGrain
{
    public async Task SaveAsync(ChannelDefinition channel)
    {
        state.State = state.State with { Channels = state.State.Channels.SetItem(channel.ChannelId, channel) };
        await state.WriteStateAsync();
    }

    public Task<ChannelDefinition?> GetAsync(string channelId) => Task.FromResult(state.State.Channels.GetValueOrDefault(channelId));

    public Task<IReadOnlyList<ChannelDefinition>> ListAsync() => Task.FromResult<IReadOnlyList<ChannelDefinition>>([.. state.State.Channels.Values]);
}
