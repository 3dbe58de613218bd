using MirrorGate.GrainInterfaces.Rbac;

namespace MirrorGate.Grains.Rbac;

/// <summary>One login session, keyed by its token's lookup hash. An ended or expired session is cleared from storage.</summary>
[GrainType("platform-session")]
public sealed class PlatformSessionGrain([PersistentState("platform-session")] IPersistentState<PlatformSessionState> state) : Grain, IPlatformSessionGrain
{
    public async Task StartAsync(PlatformSession session)
    {
        state.State = new PlatformSessionState { Session = session };
        await state.WriteStateAsync();
    }

    public async Task<PlatformSession?> GetAsync(DateTimeOffset now)
    {
        if (state.State.Session is { } session && session.ExpiresAt <= now)
        {
            await EndAsync();
        }

        return state.State.Session;
    }

    public async Task EndAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        state.State = new PlatformSessionState();
    }
}

public sealed record PlatformSessionState
{
    public PlatformSession? Session { get; init; }
}
