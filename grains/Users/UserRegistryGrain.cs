using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.Grains.Users;

public sealed record UserRegistryState
{
    public ImmutableSortedSet<string> UserNames { get; init; } = ImmutableSortedSet<string>.Empty;
}

/// <summary>One set of user names (see <see cref="IUserRegistryGrain"/> for which).</summary>
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

    public Task<IReadOnlyList<string>> PageAsync(string? prefix, string? after, int limit)
    {
        // In the set's own order (a linear scan: a set is at most some thousands of names, and this is an admin page).
        var names = state.State.UserNames;
        IEnumerable<string> page = names;
        if (after is not null)
        {
            page = page.Where(n => names.KeyComparer.Compare(n, after) > 0);
        }

        if (!string.IsNullOrEmpty(prefix))
        {
            page = page.Where(n => n.StartsWith(prefix, StringComparison.Ordinal));
        }

        return Task.FromResult<IReadOnlyList<string>>([.. page.Take(limit)]);
    }
}
