using MirrorGate.GrainInterfaces.Pool;
using MirrorGate.GrainInterfaces.Tokens;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Grains.Tokens;

public sealed record TokenState
{
    public TokenRecord? Record { get; init; }

    public bool Revoked { get; init; }
}

/// <summary>
/// One entry of the token index, keyed by the token's keyed hash. Its activation doubles as the lookup cache; an
/// activation that found no entry leaves at once, so bearers that name nothing (guessed activation codes) cost a
/// read each but do not pile up activations. Nodes keep a copy of a record they resolved (the front end's token
/// record cache): a change to a record that may have been copied (new terms, a revocation) is stored, then pushed to
/// every node through the pool hub and awaited, so that once it returns no node accepts the old record.
/// </summary>
[GrainType("user-token")]
public sealed partial class TokenGrain([PersistentState("user-token")] IPersistentState<TokenState> state, ILogger<TokenGrain> logger) : Grain, ITokenGrain
{
    public async Task<bool> IssueAsync(TokenRecord record)
    {
        var current = state.State.Revoked ? null : state.State.Record;
        if (current is { } held && held.UserName != record.UserName)
        {
            return false;
        }

        state.State = new TokenState { Record = record };
        await state.WriteStateAsync();

        // Only a record that resolved may have been copied: a new entry (nodes keep no "not found") needs no push.
        if (current is not null)
        {
            await PublishChangeAsync();
        }

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
            await PublishChangeAsync();
        }
    }

    /// <summary>
    /// The change is stored either way; a push that fails is logged, and a node that missed it drops the copy when its
    /// lifetime ends (<c>TokenCache:TimeToLive</c>).
    /// </summary>
    private async Task PublishChangeAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IPoolHubGrain>(IPoolHubGrain.Key).TokenChangedAsync(this.GetPrimaryKeyString());
        }
        catch (Exception ex)
        {
            LogPublishFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token index: a changed token record could not be pushed to the nodes; nodes holding a copy keep it until it expires")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
