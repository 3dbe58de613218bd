using MirrorGate.GrainInterfaces.Dapi;

namespace MirrorGate.Grains.Dapi;

/// <summary>
/// One API key, found by its lookup hash: what a <c>Bearer</c> or <c>Deerer</c> request resolves in one call. Holds
/// a copy of what it stands for (apps do not change after they are made), no secret.
/// </summary>
[GrainType("down-apikey")]
public sealed class DownApiKeyGrain([PersistentState("down-apikey")] IPersistentState<DownApiKeyState> state) : Grain, IDownApiKeyGrain
{
    public async Task BindAsync(DownApiKeyBinding binding)
    {
        state.State = new DownApiKeyState { Binding = binding };
        await state.WriteStateAsync();
    }

    public Task<DownApiKeyBinding?> GetAsync() => Task.FromResult(state.State.Binding);
}

public sealed record DownApiKeyState
{
    public DownApiKeyBinding? Binding { get; init; }
}
