using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Dapi;

namespace MirrorGate.Grains.Dapi;

/// <summary>The apps one user applied for, oldest first.</summary>
[GrainType("down-app-list")]
public sealed class DownAppListGrain([PersistentState("down-app-list")] IPersistentState<DownAppListState> state) : Grain, IDownAppListGrain
{
    public async Task AddAsync(DownAppEntry entry)
    {
        if (state.State.Apps.Any(a => a.Id == entry.Id))
        {
            return;
        }

        state.State = new DownAppListState { Apps = state.State.Apps.Add(entry) };
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<DownAppEntry>> ListAsync() => Task.FromResult<IReadOnlyList<DownAppEntry>>(state.State.Apps);
}

public sealed record DownAppListState
{
    public ImmutableArray<DownAppEntry> Apps { get; init; } = [];
}
