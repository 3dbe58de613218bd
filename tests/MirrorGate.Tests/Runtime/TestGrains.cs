using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Silo.Runtime;
using MirrorGate.Silo.Secrets;
using MirrorGate.Silo.Storage;

namespace MirrorGate.Tests.Runtime;

public interface ITallyGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);

    Task<int> GetAsync();

    /// <summary>Holds the turn for a while and reports how many turns of this grain overlapped it.</summary>
    Task<int> SlowTurnAsync(TimeSpan hold);

    Task<int> ActivationNumberAsync();

    Task FailAsync();

    Task GoAwayAsync();

    Task SetSecretAsync(string value);
}

public sealed record TallyState
{
    public int Total { get; init; }

    public Secret? Secret { get; init; }
}

/// <summary>A grain with one persistent state, instrumented for runtime tests.</summary>
[GrainType("tally")]
public sealed class TallyGrain([PersistentState("tally")] IPersistentState<TallyState> state, ActivationLog log) : Grain, ITallyGrain
{
    private int _insideTurn;
    private int _activationNumber;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activationNumber = log.Activated(GrainKey);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        log.Deactivated(GrainKey);
        return Task.CompletedTask;
    }

    public async Task<int> AddAsync(int amount)
    {
        state.State = state.State with { Total = state.State.Total + amount };
        await state.WriteStateAsync();
        return state.State.Total;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Total);

    public async Task<int> SlowTurnAsync(TimeSpan hold)
    {
        var overlapping = Interlocked.Increment(ref _insideTurn);
        await Task.Delay(hold);
        Interlocked.Decrement(ref _insideTurn);
        return overlapping;
    }

    public Task<int> ActivationNumberAsync() => Task.FromResult(_activationNumber);

    public Task FailAsync() => throw new InvalidOperationException("grain says no");

    public Task GoAwayAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task SetSecretAsync(string value)
    {
        state.State = state.State with { Secret = new Secret(value) };
        await state.WriteStateAsync();
    }
}

/// <summary>Counts activations per key across the grain's lifetime (a test probe, shared by DI).</summary>
public sealed class ActivationLog
{
    private readonly Dictionary<string, (int Activations, int Deactivations)> _counts = [];

    public int Activated(string key)
    {
        lock (_counts)
        {
            var c = _counts.GetValueOrDefault(key);
            _counts[key] = (c.Activations + 1, c.Deactivations);
            return c.Activations + 1;
        }
    }

    public void Deactivated(string key)
    {
        lock (_counts)
        {
            var c = _counts.GetValueOrDefault(key);
            _counts[key] = (c.Activations, c.Deactivations + 1);
        }
    }

    public (int Activations, int Deactivations) For(string key)
    {
        lock (_counts)
        {
            return _counts.GetValueOrDefault(key);
        }
    }
}
