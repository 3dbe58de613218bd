using MirrorGate.GrainInterfaces.Tokens;

namespace MirrorGate.Grains.Tokens;

public sealed record TokenState
{
    public TokenRecord? Record { get; init; }

    public bool Revoked { get; init; }
}

/// <summary>One entry of the token index, keyed by the token's keyed hash. Its activation doubles as the lookup cache.</summary>
[GrainType("user-token")]
public sealed class TokenGrain([PersistentState("user-token")] IPersistentState<TokenState> state) : Grain, ITokenGrain
{
    public async Task IssueAsync(TokenRecord record)
    {
        state.State = new TokenState { Record = record };
        await state.WriteStateAsync();
    }

    public Task<TokenRecord?> ResolveAsync() => Task.FromResult(state.State.Revoked ? null : state.State.Record);

    public async Task RevokeAsync()
    {
        if (state.RecordExists && !state.State.Revoked)
        {
            state.State = state.State with { Revoked = true };
            await state.WriteStateAsync();
        }
    }
}
