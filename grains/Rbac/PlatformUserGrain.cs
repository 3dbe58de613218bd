using MirrorGate.GrainInterfaces.Rbac;
using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.Grains.Rbac;

/// <summary>One platform user. Created once by its phone index (or an admin); only its last login changes afterwards.</summary>
[GrainType("platform-user")]
public sealed class PlatformUserGrain([PersistentState("platform-user")] IPersistentState<PlatformUserState> state) : Grain, IPlatformUserGrain
{
    public async Task<PlatformUser> CreateAsync(PlatformUser user)
    {
        if (state.State.User is { } existing)
        {
            return existing;
        }

        state.State = new PlatformUserState { User = user with { Id = this.GetPrimaryKeyString() } };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.PlatformKey).AddAsync(this.GetPrimaryKeyString());
        return state.State.User!;
    }

    public Task<PlatformUser?> GetAsync() => Task.FromResult(state.State.User);

    public async Task<PlatformUser?> RecordLoginAsync(DateTimeOffset at)
    {
        if (state.State.User is not { } user)
        {
            return null;
        }

        state.State = new PlatformUserState { User = user with { LastLogin = at } };
        await state.WriteStateAsync();
        return state.State.User;
    }
}

public sealed record PlatformUserState
{
    public PlatformUser? User { get; init; }
}
