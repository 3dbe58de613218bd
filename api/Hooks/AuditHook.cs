using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Grains.Hooks;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Hooks;

/// <summary>
/// SoruxGPT's Audit hook: before a user's turn goes upstream, the upstream body is POSTed to <c>Hooks:AuditUrl</c>
/// with the user's token and <c>queries</c>. HTTP 200 lets it through; with a non-empty <c>SaaS-Body-Modifier</c>
/// header the answer's <c>modifier</c> object becomes the body from then on. A 4xx refuses with its own status, any
/// other answer but 200 and 5xx with 403; the user reads the hook's message. A hook that cannot be asked (timeout,
/// unreachable, refused address, 5xx, an unreadable modifier) refuses with 503 unless <c>Hooks:FailOpen</c>.
/// </summary>
public sealed partial class AuditHook(HookTransport transport, IOptionsMonitor<HooksOptions> options, ILogger<AuditHook> logger)
{
    public const string BodyModifierHeader = "SaaS-Body-Modifier";

    /// <summary>SoruxGPT's billing multiplier: one question per request for text (voice may send several at once).</summary>
    public const int TextQueries = 1;

    private const string Refused = "This request was refused by the service's audit.";
    private const string Unavailable = "The audit service is unavailable; try again later.";

    public async Task<AuditOutcome> CheckAsync(Caller caller, JsonObject body, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.AuditUri is not { } url || caller.Kind is not CallerKind.User)
        {
            return AuditOutcome.Allow(body);
        }

        var token = caller.UserToken ?? throw new InvalidOperationException("A user caller carries its token.");
        var reply = await transport.PostUserCallAsync("audit", url, body.ToJsonString(), token, TextQueries, deliveryId: null, cancellationToken);
        var answer = reply.Answered ? HookAnswers.Object(reply.Body) : null;
        if (!reply.Answered || reply.Status >= 500)
        {
            return CannotAsk(caller, body, settings, HookAnswers.Message(answer) ?? Unavailable, reply.Failure ?? $"HTTP {reply.Status}");
        }

        if (reply.Status != StatusCodes.Status200OK)
        {
            LogRefused(logger, caller.LogId, reply.Status!.Value);
            var status = reply.Status is >= 400 and < 500 ? reply.Status.Value : StatusCodes.Status403Forbidden;
            return AuditOutcome.Block(new GatewayFailure(status, "audit_refused", HookAnswers.Message(answer) ?? Refused, ClearsIn(answer)));
        }

        if (string.IsNullOrWhiteSpace(reply.Header(BodyModifierHeader)))
        {
            return AuditOutcome.Allow(body);
        }

        // Detached from the answer, so it can be the body from here on (sent upstream, notified).
        if (answer?["modifier"] is JsonObject modifier && answer.Remove("modifier"))
        {
            return AuditOutcome.Allow(modifier);
        }

        return CannotAsk(caller, body, settings, Unavailable, $"the answer has {BodyModifierHeader} but no 'modifier' object");
    }

    private AuditOutcome CannotAsk(Caller caller, JsonObject body, HooksOptions settings, string message, string reason)
    {
        LogCannotAsk(logger, caller.LogId, reason, settings.FailOpen);
        return settings.FailOpen
            ? AuditOutcome.Allow(body)
            : AuditOutcome.Block(new GatewayFailure(StatusCodes.Status503ServiceUnavailable, "audit_unavailable", message));
    }

    /// <summary>auditlimit's 429s say when to retry in <c>detail.clears_in</c> (seconds).</summary>
    private static TimeSpan? ClearsIn(JsonObject? answer) =>
        answer?["detail"] is JsonObject detail && detail["clears_in"] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
        && value.TryGetValue<double>(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "The audit hook refused a turn of {Caller} with HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, string caller, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit hook could not judge a turn of {Caller} ({Reason}); fail open: {FailOpen}")]
    private static partial void LogCannotAsk(ILogger logger, string caller, string reason, bool failOpen);
}

/// <summary>The body to send upstream, or the failure the user gets.</summary>
public sealed record AuditOutcome(JsonObject? Body, GatewayFailure? Failure)
{
    public static AuditOutcome Allow(JsonObject body) => new(body, null);

    public static AuditOutcome Block(GatewayFailure failure) => new(null, failure);
}
