using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.GrainInterfaces.Hooks;
using MirrorGate.Grains.Hooks;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Hooks;

/// <summary>
/// SoruxGPT's Notify hook: once a user's turn has started upstream, the same call as the audit's (body, token,
/// <c>queries</c>) is queued for <c>Hooks:NotifyUrl</c> in a <see cref="INotifyOutboxGrain"/> keyed by the turn's
/// request id. Queuing is a store write that runs while the answer streams; the turn waits for it only before its
/// last bytes, and never for the hook itself, which the grain calls on its own time.
/// </summary>
public sealed partial class NotifyHook(IGrainFactory grains, IOptionsMonitor<HooksOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time, ILogger<NotifyHook> logger)
{
    /// <summary>Queues the delivery; a completed task when there is nothing to notify (the hook is off, or not a user's turn).</summary>
    public Task EnqueueAsync(Caller caller, JsonObject body, string requestId)
    {
        if (options.CurrentValue.NotifyUri is not { } url || caller.Kind is not CallerKind.User || caller.UserToken is not { } token)
        {
            return Task.CompletedTask;
        }

        return EnqueueAsync(requestId, new NotifyDelivery(url.AbsoluteUri, body.ToJsonString(), token, AuditHook.TextQueries, time.GetUtcNow()), caller.LogId);
    }

    private async Task EnqueueAsync(string requestId, NotifyDelivery delivery, string caller)
    {
        try
        {
            await grains.GetGrain<INotifyOutboxGrain>(requestId).EnqueueAsync(delivery);
        }
        catch (Exception ex)
        {
            LogNotQueued(logger, ex, requestId, caller);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Notify delivery {DeliveryId} of {Caller} could not be queued")]
    private static partial void LogNotQueued(ILogger logger, Exception exception, string deliveryId, string caller);
}
