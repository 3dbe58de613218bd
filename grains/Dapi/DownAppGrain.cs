using MirrorGate.GrainInterfaces.Dapi;

namespace MirrorGate.Grains.Dapi;

/// <summary>One downstream app with its (encrypted) secret key and API key. Written once, when applied for.</summary>
[GrainType("down-app")]
public sealed class DownAppGrain([PersistentState("down-app")] IPersistentState<DownAppState> state) : Grain, IDownAppGrain
{
    public async Task<bool> CreateAsync(DownApp app)
    {
        if (state.State.App is not null)
        {
            return false;
        }

        state.State = new DownAppState { App = app with { Id = this.GetPrimaryKeyString() } };
        await state.WriteStateAsync();
        return true;
    }

    public Task<DownApp?> GetAsync() => Task.FromResult(state.State.App);
}

public sealed record DownAppState
{
    public DownApp? App { get; init; }
}
