using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Rbac;

namespace MirrorGate.Grains.Rbac;

/// <summary>
/// Recent SMS sendings of one phone number or one client address: a sliding log of times, pruned to the longest
/// window asked about, stored so that limits hold across nodes and restarts.
/// </summary>
[GrainType("platform-sms-quota")]
public sealed class SmsQuotaGrain([PersistentState("platform-sms-quota")] IPersistentState<SmsQuotaState> state) : Grain, ISmsQuotaGrain
{
    public async Task<SmsQuotaDecision> TryTakeAsync(ImmutableArray<SmsLimit> limits, DateTimeOffset now)
    {
        var longest = limits.IsEmpty ? TimeSpan.Zero : limits.Max(l => l.Window);
        var recent = state.State.Sent.Where(t => t > now - longest).ToImmutableArray();
        var retryAfter = TimeSpan.Zero;
        foreach (var limit in limits)
        {
            var inWindow = recent.Where(t => t > now - limit.Window).Order().ToList();
            if (inWindow.Count >= limit.Count)
            {
                // Free again when the oldest sending that keeps the window full leaves it.
                var freeAt = inWindow[inWindow.Count - limit.Count] + limit.Window;
                retryAfter = freeAt - now > retryAfter ? freeAt - now : retryAfter;
            }
        }

        if (retryAfter > TimeSpan.Zero)
        {
            return new SmsQuotaDecision(false, retryAfter);
        }

        state.State = new SmsQuotaState { Sent = recent.Add(now) };
        await state.WriteStateAsync();
        return new SmsQuotaDecision(true, TimeSpan.Zero);
    }
}

public sealed record SmsQuotaState
{
    public ImmutableArray<DateTimeOffset> Sent { get; init; } = [];
}
