using System.Collections.Immutable;
using System.Globalization;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Pool;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace MirrorGate.Grains.Channels;

/// <summary>
/// One API key of one channel. Its single activation decides its status: a 401/403 rejects it (with the reason), a
/// 429 cools it down for one model, an operator disables or enables it. Every stored change is pushed to every node's
/// pool through the pool hub, like an account's.
/// </summary>
[GrainType("channel-key")]
public sealed partial class ChannelKeyGrain(
    [PersistentState("channel-key")] IPersistentState<ChannelKeyState> state,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<ChannelKeyGrain> logger) : Grain, IChannelKeyGrain
{
    private string KeyId => this.GetPrimaryKeyString();

    private bool IsConfigured => state.RecordExists && state.State.Key is not null && state.State.Channel is not null;

    public async Task<ChannelKeySnapshot> ConfigureAsync(ChannelDefinition channel, Secret key)
    {
        var now = time.GetUtcNow();
        await UpdateAsync(s => s with
        {
            Channel = channel,
            Key = key,
            KeyVersion = s.Key == key ? s.KeyVersion : s.KeyVersion + 1,
            Status = s.Status is ChannelKeyStatus.Disabled ? s.Status : ChannelKeyStatus.Active,
            StatusReason = s.Status is ChannelKeyStatus.Disabled ? s.StatusReason : null,
            StatusChangedAt = s.StatusChangedAt ?? now,
            Cooldowns = s.Key == key ? s.Cooldowns : ImmutableDictionary<string, DateTimeOffset>.Empty,
        });
        LogConfigured(logger, KeyId, channel.ChannelId, channel.Models.Length);
        return Snapshot();
    }

    public Task<ChannelKeySnapshot?> GetSnapshotAsync() => Task.FromResult(IsConfigured ? Snapshot() : null);

    public Task<Secret?> GetKeyAsync() => Task.FromResult(IsConfigured ? state.State.Key : null);

    public async Task ReportRejectedAsync(int status, string reason)
    {
        if (IsConfigured && state.State.Status is ChannelKeyStatus.Active)
        {
            var text = $"HTTP {status}: {reason}";
            await UpdateAsync(s => s with { Status = ChannelKeyStatus.Rejected, StatusReason = text, StatusChangedAt = time.GetUtcNow() });
            LogStatusChanged(logger, KeyId, ChannelKeyStatus.Rejected, text);
        }
    }

    public async Task ReportRateLimitedAsync(string model, TimeSpan clearsIn)
    {
        if (!IsConfigured)
        {
            return;
        }

        var now = time.GetUtcNow();
        var until = now + (clearsIn > TimeSpan.Zero ? clearsIn : TimeSpan.FromSeconds(1));
        await UpdateAsync(s => s with
        {
            Cooldowns = Prune(s.Cooldowns, now).SetItem(model, s.Cooldowns.TryGetValue(model, out var held) && held > until ? held : until),
        });
        LogRateLimited(logger, KeyId, model, until);
    }

    public async Task<ChannelKeySnapshot?> SetDisabledAsync(bool disabled, string? reason)
    {
        if (!IsConfigured)
        {
            return null;
        }

        var status = disabled ? ChannelKeyStatus.Disabled : ChannelKeyStatus.Active;
        var text = disabled ? reason ?? "disabled by the operator" : null;
        await UpdateAsync(s => s with
        {
            Status = status,
            StatusReason = text,
            StatusChangedAt = time.GetUtcNow(),
            Cooldowns = disabled ? s.Cooldowns : ImmutableDictionary<string, DateTimeOffset>.Empty,
        });
        LogStatusChanged(logger, KeyId, status, text);
        return Snapshot();
    }

    /// <summary>Writes a change (re-applied to a newer state if a duplicate activation wrote first) and pushes it to the pool.</summary>
    private async Task UpdateAsync(Func<ChannelKeyState, ChannelKeyState> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            state.State = change(state.State);
            try
            {
                await state.WriteStateAsync();
                break;
            }
            catch (InconsistentStateException) when (attempt < 3)
            {
                await state.ReadStateAsync();
            }
        }

        try
        {
            await GrainFactory.GetGrain<IPoolHubGrain>(IPoolHubGrain.Key).PublishChannelKeyAsync(Snapshot());
        }
        catch (Exception ex)
        {
            // Nodes catch up on their next reload.
            LogPublishFailed(logger, ex, KeyId);
        }
    }

    private ChannelKeySnapshot Snapshot()
    {
        var s = state.State;
        var key = s.Key!.Value.Value;
        return new ChannelKeySnapshot(KeyId, s.Channel!, key.Length > 8 ? "…" + key[^4..] : "…", s.Status, s.StatusReason, s.StatusChangedAt,
            Prune(s.Cooldowns, time.GetUtcNow()), InPool: true, s.KeyVersion)
        {
            Revision = long.TryParse(state.Etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0,
        };
    }

    private static ImmutableDictionary<string, DateTimeOffset> Prune(ImmutableDictionary<string, DateTimeOffset> cooldowns, DateTimeOffset now) =>
        cooldowns.Values.Any(until => until <= now) ? cooldowns.RemoveRange(cooldowns.Where(c => c.Value <= now).Select(c => c.Key)) : cooldowns;

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel key {KeyId} of channel {ChannelId} configured for {ModelCount} models")]
    private static partial void LogConfigured(ILogger logger, string keyId, string channelId, int modelCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel key {KeyId} is now {Status}: {Reason}")]
    private static partial void LogStatusChanged(ILogger logger, string keyId, ChannelKeyStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel key {KeyId} cools down for model {Model} until {Until}")]
    private static partial void LogRateLimited(ILogger logger, string keyId, string model, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel key {KeyId} could not push its change to the pool hub; nodes catch up on their next reload")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string keyId);
}
