using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.BackendApi;

/// <summary>
/// <c>POST /backend-api/conversation</c> (Aurora): the caller sends the ChatGPT web payload as is;
/// the gateway picks the account, does the sentinel and proof of work, and relays the upstream's
/// SSE bytes unchanged. Limits, failover and settlement are the same as for chat completions. A model the catalog
/// names is sent upstream as the catalog's slug and counted under its limits; any other slug passes through as a
/// free-plan model for callers without limits, and is refused for a user with limits, which it would slip past.
/// </summary>
public sealed partial class ConversationPassthrough(JsonBodyReader reader, ModelCatalog models, ChatTurns turns, IOptionsMonitor<GatewayApiOptions> options, ILogger<ConversationPassthrough> logger)
{
    public async Task<IResult?> HandleAsync(HttpContext context, Caller caller)
    {
        var cancellationToken = context.RequestAborted;
        var read = await reader.ReadObjectAsync(context.Request, cancellationToken);
        if (read.Body is not { } body)
        {
            return BackendErrors.Result(read.Problem is BodyProblem.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, read.Message!, "invalid_request");
        }

        if (!JsonFields.TryString(body, "model", required: false, out var slug, out var error)
            || !JsonFields.TryString(body, "conversation_id", required: false, out var conversationId, out error)
            || !JsonFields.TryBool(body, "history_and_training_disabled", out var temporary, out error))
        {
            return BackendErrors.Result(StatusCodes.Status400BadRequest, error!, "invalid_request");
        }

        // A payload that does not say whether the chat is temporary gets WEB_HATD's default, sent upstream explicitly.
        temporary ??= options.CurrentValue.WebHatd;
        body["history_and_training_disabled"] = temporary.Value;
        slug ??= "auto";
        var model = models.TryGet(slug, out var known) ? known : new ModelDefinition(slug, slug);
        body["model"] = model.Slug;
        var start = await turns.StartAsync(caller, model, conversationId is { Length: > 0 } ? conversationId : null, temporary.Value, continued =>
        {
            if (continued?.LastAssistantMessageId is { } parent && !body.ContainsKey("parent_message_id"))
            {
                body["parent_message_id"] = parent;
            }

            return body;
        }, cancellationToken);
        if (start.Turn is null)
        {
            return BackendErrors.From(start.Failure!);
        }

        await using var turn = start.Turn;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await turn.Stream.CopyRawToAsync(context.Response.Body, turn.Observe, cancellationToken);
        }
        catch (UpstreamStreamBrokenException ex)
        {
            LogStreamBroken(logger, turn.AccountId ?? "direct", ex.Message);
            await StreamAbort.AfterDeliveryAsync(context);
            return null;
        }

        // The raw pass-through does not decode the answer, so its usage record carries no token estimate.
        await turn.SucceedAsync(promptTokens: 0, completionTokens: 0);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pass-through stream of account {AccountId} broke mid-answer: {Reason}")]
    private static partial void LogStreamBroken(ILogger logger, string accountId, string reason);
}
