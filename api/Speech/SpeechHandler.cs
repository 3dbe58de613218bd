using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Speech;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Speech;

/// <summary>
/// <c>/v1/audio/speech</c> through ChatGPT's read-aloud (research §7): a helper conversation whose one message is the
/// input as an assistant message (kept, since temporary chats cannot be read aloud), then <c>synthesize</c> on that
/// message with the same account, then the helper conversation is hidden. The turn goes through the same admission as
/// chat (limits, audit, failover before the first byte: 401, 429, 5xx, refused connections); a helper stream that
/// breaks is started again, up to <see cref="PoolOptions.MaxAttempts"/> times, since nothing has reached the client.
/// The use counts against the model <c>auto</c>, the model of the helper conversation.
/// </summary>
public sealed partial class SpeechHandler(
    JsonBodyReader reader,
    ModelCatalog models,
    ChatTurns turns,
    IGrainFactory grains,
    CredentialCache credentials,
    IChatGptSpeech speech,
    IOptionsMonitor<ChatGptOptions> chatGpt,
    IOptionsMonitor<PoolOptions> pool,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<SpeechHandler> logger)
{
    /// <summary>Aurora's wording for login-only endpoints (its TTS text is not captured; this follows its Files message).</summary>
    public const string LoginRequired = "Text-to-speech requires a logged-in ChatGPT access token; free (device id) accounts cannot use it.";

    private const string HelperModel = "auto";

    public async Task<IResult> HandleAsync(HttpContext context, Caller caller)
    {
        var cancellationToken = context.RequestAborted;
        SpeechRequest? request;
        IResult? error;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            (request, error) = SpeechRequest.FromQuery(context.Request.Query);
        }
        else
        {
            var read = await reader.ReadObjectAsync(context.Request, cancellationToken);
            if (read.Body is null)
            {
                return OpenAiErrors.FromBody(read);
            }

            (request, error) = SpeechRequest.FromJson(read.Body);
        }

        if (request is null)
        {
            return error!;
        }

        if (caller.Credential is { IsAnonymous: true })
        {
            return OpenAiErrors.Result(StatusCodes.Status403Forbidden, LoginRequired, "missing_access_token");
        }

        if (!models.TryGet(HelperModel, out var model))
        {
            return OpenAiErrors.Result(StatusCodes.Status503ServiceUnavailable, "The model 'auto' that speech runs on is not in this gateway's catalog.", "model_not_found");
        }

        var attempts = Math.Max(1, pool.CurrentValue.MaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            var start = await turns.StartAsync(caller, model, null, temporary: false, _ => HelperBody(request.Input, model), cancellationToken, loginRequired: true);
            if (start.Turn is null)
            {
                return OpenAiErrors.From(start.Failure!);
            }

            await using var turn = start.Turn;
            try
            {
                await foreach (var upstreamEvent in turn.Stream.ReadEventsAsync(cancellationToken))
                {
                    turn.Observe(upstreamEvent);
                }
            }
            catch (UpstreamStreamBrokenException ex)
            {
                LogHelperBroken(logger, turn.AccountId ?? caller.LogId, attempt, ex.Message);
                if (attempt < attempts)
                {
                    continue;
                }

                return OpenAiErrors.Result(StatusCodes.Status502BadGateway, "The upstream's read-aloud conversation broke off: " + ex.Message, "upstream_stream_broken");
            }

            return await SynthesizeAsync(caller, turn, request, cancellationToken);
        }
    }

    private async Task<IResult> SynthesizeAsync(Caller caller, ActiveTurn turn, SpeechRequest request, CancellationToken cancellationToken)
    {
        if (turn.ConversationId is not { } conversationId || turn.AssistantMessageId is not { } messageId)
        {
            return OpenAiErrors.Result(StatusCodes.Status502BadGateway, "The upstream did not name the read-aloud message.", "upstream_error");
        }

        var credential = caller.Credential ?? await AccountCredentialAsync(turn.AccountId!);
        if (credential is null)
        {
            return OpenAiErrors.Result(StatusCodes.Status503ServiceUnavailable, "The account that took the read-aloud turn has no usable token now.", "account_unusable");
        }

        var audio = await speech.SynthesizeAsync(credential, conversationId, messageId, request.Voice, request.Format, cancellationToken);
        var hidden = await speech.HideConversationAsync(credential, conversationId, cancellationToken);
        if (!hidden.IsSuccess)
        {
            // The audio is still good; the helper conversation stays in the account's list, which the log says.
            LogNotHidden(logger, credential.LogId, hidden.Failure.Kind);
        }

        if (!audio.IsSuccess)
        {
            return OpenAiErrors.From(ToFailure(audio.Failure, caller.Kind is CallerKind.Account or CallerKind.Direct));
        }

        await turn.SucceedAsync(TokenEstimator.Count(request.Input), 0);
        return Results.Bytes(audio.Value.Audio, SpeechVoices.ContentType(request.Format));
    }

    private async Task<UpstreamCredential?> AccountCredentialAsync(string accountId)
    {
        if (!credentials.TryGet(accountId, out var credential))
        {
            var result = await grains.GetGrain<IAccountGrain>(accountId).GetCredentialAsync();
            credentials.Remember(accountId, result);
            if (!result.Succeeded)
            {
                return null;
            }

            credential = result.Credential!;
        }

        return new UpstreamCredential(credential.AccountId, credential.AccessToken.Value, credential.DeviceId, credential.TeamAccountId, credential.ProxyUrl);
    }

    /// <summary>The read-aloud source: the input as the only, assistant, message of a kept chat.</summary>
    private JsonObject HelperBody(string input, ModelDefinition model) => new()
    {
        ["action"] = "next",
        ["messages"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["author"] = new JsonObject { ["role"] = "assistant" },
            ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(input) },
            ["metadata"] = new JsonObject(),
        }),
        ["parent_message_id"] = chatGpt.CurrentValue.Flow == ChatGptFlow.Newest ? "client-created-root" : Guid.NewGuid().ToString(),
        ["model"] = model.Slug,
        ["timezone_offset_min"] = -(int)time.LocalTimeZone.GetUtcOffset(time.GetUtcNow()).TotalMinutes,
        ["history_and_training_disabled"] = false,
        ["conversation_mode"] = new JsonObject { ["kind"] = "primary_assistant" },
        ["system_hints"] = new JsonArray(),
    };

    /// <summary>The upstream's status, as Aurora answers it; a pooled account's 401 is the gateway's trouble, not the caller's.</summary>
    private static GatewayFailure ToFailure(UpstreamFailure failure, bool ownCredential) => failure.Kind switch
    {
        UpstreamFailureKind.Unauthorized when !ownCredential => new(StatusCodes.Status503ServiceUnavailable, "account_unusable", failure.Message),
        UpstreamFailureKind.RateLimited => new(StatusCodes.Status429TooManyRequests, failure.Code ?? "rate_limited", failure.Message, failure.ClearsIn),
        UpstreamFailureKind.Network or UpstreamFailureKind.Protocol => new(StatusCodes.Status502BadGateway, "upstream_error", failure.Message),
        _ => new(failure.StatusCode is >= 400 and <= 599 ? failure.StatusCode.Value : StatusCodes.Status502BadGateway, failure.Code ?? "upstream_error", failure.Message),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read-aloud helper stream of {Account} broke on attempt {Attempt}: {Reason}")]
    private static partial void LogHelperBroken(ILogger logger, string account, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read-aloud helper conversation of {Account} could not be hidden ({Kind})")]
    private static partial void LogNotHidden(ILogger logger, string account, UpstreamFailureKind kind);
}
