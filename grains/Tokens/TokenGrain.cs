using MirrorGate.GrainInterfaces.Tokens;

namespace MirrorGate.Grains.Tokens;

public sealed record TokenState
{
    public TokenRecord? Record { get; init; }

    public bool Revoked { get; init; }
}

/// <summary>
/// One entry of the token index, keyed by the token's keyed hash. Its activation doubles as the lookup cache; an
/// activation that found no entry leaves at once, so bearers that name nothing (guessed activation codes) cost a
/// read each but do not pile up activations.
/// </summary>
[GrainType("user-token")]
public sealed class TokenGrain([PersistentState("user-token")] IPersistentState<TokenState> state) : Grain, ITokenGrain
{
    public async Task<bool> IssueAsync(TokenRecord record)
    {
        if (state.State.Record is { } held && !state.State.Revoked && held.UserName != record.UserName)
        {
            return false;
        }

        state.State = new TokenState { Record = record };
        await state.WriteStateAsync();
        return true;
    }

    public Task<TokenRecord?> ResolveAsync()
    {
        if (state.State.Record is null)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(state.State.Revoked ? null : state.State.Record);
    }

    public async Task RevokeAsync()
    {
        if (state.RecordExists && !state.State.Revoked)
        {
            state.State = state.State with { Revoked = true };
            await state.WriteStateAsync();
        }
    }
}
