using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.Grains.Users;

public sealed record UserRegistryState
{
    public ImmutableSortedSet<string> UserNames { get; init; } = ImmutableSortedSet<string>.Empty;
}

/// <summary>The set of users holding activation codes.</summary>
[GrainType("user-registry")]
public sealed class UserRegistryGrain([PersistentState("user-registry")] IPersistentState<UserRegistryState> state) : Grain, IUserRegistryGrain
{
    public async Task AddAsync(string userName)
    {
        if (!state.State.UserNames.Contains(userName))
        {
            state.State = state.State with { UserNames = state.State.UserNames.Add(userName) };
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.UserNames]);
}
