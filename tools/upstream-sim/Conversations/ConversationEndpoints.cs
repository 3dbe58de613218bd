using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Conduit;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Faults;
using MirrorGate.UpstreamSim.Http;
using MirrorGate.UpstreamSim.Sentinel;
using MirrorGate.UpstreamSim.Streaming;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>The chat POSTs: legacy <c>{prefix}/conversation</c> and newest <c>{prefix}/f/conversation</c>.
/// Checks run in the order bearer → sentinel (+ conduit) → body → fault, then the turn is stored and streamed.</summary>
internal sealed class ConversationEndpoints(
    CallerResolver callers,
    SentinelStore sentinels,
    ConduitStore conduits,
    ConversationStore conversations,
    FaultBook faults,
    SimulatorOptions options,
    ILogger<ConversationEndpoints> logger)
{
    private static readonly TimeSpan DropDrainTime = TimeSpan.FromMilliseconds(150);

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (prefix, anonymous) in new[] { ("/backend-api", false), ("/backend-anon", true) })
        {
            app.MapPost($"{prefix}/conversation", (HttpContext c, ConversationEndpoints e) => e.HandleAsync(c, newest: false, anonymous));
            app.MapPost($"{prefix}/f/conversation", (HttpContext c, ConversationEndpoints e) => e.HandleAsync(c, newest: true, anonymous));
        }
    }

    private async Task HandleAsync(HttpContext context, bool newest, bool anonymous)
    {
        var endpoint = newest ? SimEndpoints.FConversation : SimEndpoints.Conversation;
        var (caller, error) = callers.Resolve(context, endpoint, anonymous);
        if (caller is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        var rejection = Admit(context, caller, newest, endpoint);
        if (rejection is not null)
        {
            await rejection.ExecuteAsync(context);
            return;
        }

        var (request, reason) = ConversationRequestParser.Parse(await SimJson.ReadAsync(context.Request, context.RequestAborted));
        var (plan, planReason) = request is null ? (null, reason) : conversations.Prepare(caller, request);
        if (request is null || plan is null)
        {
            SimLog.Rejected(logger, endpoint, "body: " + planReason);
            await UpstreamErrors.InvalidBody().ExecuteAsync(context);
            return;
        }

        var fault = faults.Take(caller.Email, request.Model);
        if (fault is not null)
        {
            SimLog.FaultApplied(logger, fault.Kind, caller.Email!);
            if (FaultResponses.Rejection(fault) is { } faulted)
            {
                await faulted.ExecuteAsync(context);
                return;
            }
        }

        conversations.Commit(plan);
        await StreamAsync(context, caller, plan, fault, deltaEncoded: newest || request.WantsDeltaEncoding, resume: newest);
    }

    /// <summary>The sentinel token and proof, and on the newest flow the conduit token.</summary>
    private IResult? Admit(HttpContext context, Caller caller, bool newest, string endpoint)
    {
        // Switching anonymous chat off also stops devices that still hold a sentinel token from before.
        var reason = caller.Account is null && !options.AllowAnonymous
            ? "Unusual activity has been detected from your device. Try again later."
            : SentinelCheck.Verify(context.Request, caller, sentinels);
        if (reason is null && newest && !conduits.IsValid(context.Request.Headers[ConduitEndpoint.Header].ToString(), caller.OwnerKey))
        {
            reason = "Invalid conduit token";
        }

        if (reason is null)
        {
            return null;
        }

        SimLog.Rejected(logger, endpoint, reason);
        return UpstreamErrors.Forbidden(reason);
    }

    private async Task StreamAsync(HttpContext context, Caller caller, TurnPlan plan, SimFault? fault, bool deltaEncoded, bool resume)
    {
        var delay = options.ChunkDelay + (fault?.Kind == SimFaultKind.SlowStream ? fault.ChunkDelay : TimeSpan.Zero);
        var dropAfter = fault?.Kind == SimFaultKind.DropMidStream ? Math.Max(0, fault.AfterChunks) : (int?)null;
        var settings = new StreamSettings(SimReplies.Chunks(plan.Reply, Math.Max(1, options.ReplyChunks)), delay, dropAfter, options.TimeProvider);
        var cancellationToken = context.RequestAborted;
        var sse = new SseWriter(context.Response, cancellationToken);
        try
        {
            await sse.StartAsync();
            var completed = deltaEncoded
                ? await DeltaStreamWriter.WriteAsync(sse, plan, caller, settings, resume ? conduits.Issue(caller.OwnerKey) : null, cancellationToken)
                : await FullMessageStreamWriter.WriteAsync(sse, plan, settings, cancellationToken);
            if (!completed)
            {
                // FlushAsync only hands the bytes to Kestrel's transport pipe; aborting at once can discard them
                // (the client then sees a reset before any event). Give the send loop a moment, on the real
                // clock on purpose: a test's fake TimeProvider must not be able to stall this.
                await Task.Delay(DropDrainTime, CancellationToken.None);
                SimLog.StreamDropped(logger, plan.ConversationId, dropAfter ?? 0);
                context.Abort();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            SimLog.StreamCancelled(logger, plan.ConversationId);
        }
    }
}
