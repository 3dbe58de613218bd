using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Accounts;

namespace MirrorGate.Grains.Accounts;

public sealed record AccountRegistryState
{
    public ImmutableSortedSet<string> AccountIds { get; init; } = ImmutableSortedSet<string>.Empty;
}

/// <summary>The set of pooled account ids.</summary>
[GrainType("account-registry")]
public sealed class AccountRegistryGrain([PersistentState("account-registry")] IPersistentState<AccountRegistryState> state) : Grain, IAccountRegistryGrain
{
    public async Task AddAsync(string accountId)
    {
        if (!state.State.AccountIds.Contains(accountId))
        {
            state.State = state.State with { AccountIds = state.State.AccountIds.Add(accountId) };
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string accountId)
    {
        if (state.State.AccountIds.Contains(accountId))
        {
            state.State = state.State with { AccountIds = state.State.AccountIds.Remove(accountId) };
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.AccountIds]);
}
