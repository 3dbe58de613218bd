using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Silo.Runtime;
using MirrorGate.Silo.Storage;

namespace MirrorGate.Grains.Accounts;

public sealed record AccountRegistryState
{
    public ImmutableSortedSet<string> AccountIds { get; init; } = ImmutableSortedSet<string>.Empty;
}

/// <summary>The set of pooled account ids. A lost write race surfaces to the caller as a retryable conflict.</summary>
[GrainType("account-registry")]
public sealed class AccountRegistryGrain([PersistentState("registry")] IPersistentState<AccountRegistryState> state) : Grain, IAccountRegistryGrain
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
