using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Pricing;

namespace MirrorGate.Grains.Pricing;

public sealed record PricingProgramListState
{
    public ImmutableSortedSet<string> Ids { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
}

/// <summary>
/// The set of pricing program ids, so that an operator can find a program without knowing its id. Programs are few
/// (tens), so one grain holds them all; a program put before this list existed appears once it is put again.
/// </summary>
[GrainType("pricing-program-list")]
public sealed class PricingProgramListGrain([PersistentState("pricing-program-list")] IPersistentState<PricingProgramListState> state) : Grain, IPricingProgramListGrain
{
    public async Task AddAsync(string ppid)
    {
        if (!state.State.Ids.Contains(ppid))
        {
            state.State = state.State with { Ids = state.State.Ids.Add(ppid) };
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Ids]);
}
