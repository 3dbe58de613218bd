using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;
using MirrorGate.Api.Pool;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Files;

namespace MirrorGate.Api.Images;

/// <summary>
/// <c>POST /v1/images/generations</c> through the conversation's image tool (research §6): one conversation per image
/// (AUR's way for <c>n</c> &gt; 1), each admitted and dispatched as a chat turn is (limits, audit, failover before the
/// first byte), with <c>system_hints: ["picture_v2"]</c>. The image is the asset pointer the stream names; when the
/// stream names none, the conversation is read back every <see cref="ImagesOptions.PollInterval"/> until it shows one or
/// <see cref="ImagesOptions.PollTimeout"/> passes. The bytes are downloaded through the account that made them and
/// answered as base64, or as a signed link to this gateway (<see cref="ImageLinks"/>). Nothing is written to the client
/// before every image is in hand, so any failure is an ordinary error answer.
/// </summary>
public sealed partial class ImagesHandler(
    JsonBodyReader reader,
    ModelCatalog models,
    ChatTurns turns,
    ConversationDispatcher dispatcher,
    IChatGptFiles files,
    ImageLinks links,
    IOptionsMonitor<ImagesOptions> options,
    IOptionsMonitor<GatewayApiOptions> gateway,
    IOptionsMonitor<PoolOptions> pool,
    IOptionsMonitor<ChatGptOptions> chatGpt,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<ImagesHandler> logger)
{
    /// <summary>Aurora's refusal of free (device id) callers; its message is cut short in the research notes, the rest follows its Files message.</summary>
    public const string LoginRequired = "Images API does not support free/noauth accounts; it requires a logged-in ChatGPT access token.";

    public async Task<IResult> GenerateAsync(HttpContext context, Caller caller)
    {
        var cancellationToken = context.RequestAborted;
        if (caller.Credential is { IsAnonymous: true })
        {
            return OpenAiErrors.Result(StatusCodes.Status403Forbidden, LoginRequired, "missing_access_token");
        }

        var read = await reader.ReadObjectAsync(context.Request, cancellationToken);
        if (read.Body is null)
        {
            return OpenAiErrors.FromBody(read);
        }

        var settings = options.CurrentValue;
        var (request, error) = ImagesRequest.Parse(read.Body, settings.MaxImages);
        if (request is null)
        {
            return error!;
        }

        if (!models.TryGet(settings.AccountModel, out var model))
        {
            return OpenAiErrors.Result(StatusCodes.Status503ServiceUnavailable, $"The model '{settings.AccountModel}' that image generation runs on is not in this gateway's catalog.", "model_not_found");
        }

        var data = new JsonArray();
        for (var i = 0; i < request.N; i++)
        {
            var (image, failure) = await GenerateOneAsync(caller, model, request, cancellationToken);
            if (image is null)
            {
                LogImageFailed(logger, caller.LogId, i + 1, failure!.Code);
                return OpenAiErrors.From(failure);
            }

            data.Add(request.Url
                ? new JsonObject { ["url"] = LinkBase(context.Request) + links.Create(ApiPrefix(), image.Source), ["revised_prompt"] = request.Prompt }
                : new JsonObject { ["b64_json"] = Convert.ToBase64String(image.Bytes), ["revised_prompt"] = request.Prompt });
        }

        return Results.Json(new JsonObject { ["created"] = time.GetUtcNow().ToUnixTimeSeconds(), ["data"] = data });
    }

    /// <summary>One image conversation; a stream that breaks before it named an image is started again, on any account.</summary>
    private async Task<(MadeImage? Image, GatewayFailure? Failure)> GenerateOneAsync(Caller caller, ModelDefinition model, ImagesRequest request, CancellationToken cancellationToken)
    {
        var attempts = Math.Max(1, pool.CurrentValue.MaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            var start = await turns.StartAsync(caller, model, null, temporary: false, _ => ImageBody(request.ToolPrompt, model), cancellationToken, loginRequired: true);
            if (start.Turn is null)
            {
                return (null, start.Failure);
            }

            await using var turn = start.Turn;
            var pointers = new List<string>();
            var text = new StringBuilder();
            try
            {
                await foreach (var upstreamEvent in turn.Stream.ReadEventsAsync(cancellationToken))
                {
                    turn.Observe(upstreamEvent);
                    if (upstreamEvent is AssetPointerSeen seen)
                    {
                        pointers.Add(seen.Pointer);
                    }
                    else if (upstreamEvent is AssistantTextDelta delta)
                    {
                        text.Append(delta.Text);
                    }
                }
            }
            catch (UpstreamStreamBrokenException ex)
            {
                LogStreamBroken(logger, turn.AccountId ?? caller.LogId, attempt, ex.Message);

                // An image the stream already named exists upstream: it is fetched rather than made again (the break cost
                // only the closing text). Without one, nothing is lost by starting over.
                if (pointers.Count == 0)
                {
                    if (attempt < attempts)
                    {
                        continue;
                    }

                    return (null, new GatewayFailure(StatusCodes.Status502BadGateway, "upstream_stream_broken", "The upstream's image conversation broke off: " + ex.Message));
                }
            }

            if (pointers.Count == 0)
            {
                var (polled, pollFailure) = await PollAsync(caller, turn, cancellationToken);
                if (polled is null)
                {
                    return (null, pollFailure ?? NoImage(text.ToString()));
                }

                pointers.AddRange(polled);
            }

            // Progressive results replace one another; the last pointer is the finished image (research §6.2).
            var pointer = pointers[^1];
            var (downloaded, _, downloadFailure) = await dispatcher.CallAsync(caller, model, turn.AccountId,
                (credential, ct) => files.DownloadAsync(credential, pointer, turn.ConversationId, ct), cancellationToken);
            if (downloaded is null)
            {
                return (null, downloadFailure);
            }

            await turn.SucceedAsync(TokenEstimator.Count(request.Prompt), 0);
            var source = new ImageSource(turn.AccountId, pointer, turn.ConversationId,
                turn.AccountId is null ? caller.Credential?.AccessToken : null, turn.AccountId is null ? caller.Credential?.TeamAccountId : null);
            return (new MadeImage(downloaded.Bytes, source), null);
        }
    }

    /// <summary>Reads the conversation back until a tool message shows an image, or the wait is over.</summary>
    private async Task<(IReadOnlyList<string>? Pointers, GatewayFailure? Failure)> PollAsync(Caller caller, ActiveTurn turn, CancellationToken cancellationToken)
    {
        if (turn.ConversationId is not { } conversationId)
        {
            return (null, null);
        }

        var settings = options.CurrentValue;
        var deadline = time.GetUtcNow() + settings.PollTimeout;
        for (var poll = 1; ; poll++)
        {
            var (conversation, failure) = await dispatcher.ReadConversationAsync(caller, turn.AccountId, conversationId, cancellationToken);
            if (conversation is not null && AssetPointers.InConversation(conversation) is { Count: > 0 } pointers)
            {
                LogPolled(logger, conversationId, poll);
                return (pointers, null);
            }

            if (failure is { Status: not StatusCodes.Status404NotFound })
            {
                return (null, failure);
            }

            if (time.GetUtcNow() + settings.PollInterval > deadline)
            {
                return (null, new GatewayFailure(StatusCodes.Status504GatewayTimeout, "image_timeout",
                    $"The upstream did not show the image within {settings.PollTimeout.TotalSeconds:0} seconds."));
            }

            await Task.Delay(settings.PollInterval, time, cancellationToken);
        }
    }

    /// <summary>No image and nothing to wait for: the tool refused (gateways pass its text on).</summary>
    private static GatewayFailure NoImage(string text) => new(StatusCodes.Status502BadGateway, "image_not_generated",
        text.Length > 0 ? "The upstream made no image: " + text : "The upstream made no image.");

    /// <summary>The image tool's turn (research §6.1): the chat body with <c>picture_v2</c> at the top and on the message.</summary>
    private JsonObject ImageBody(string prompt, ModelDefinition model) => new()
    {
        ["action"] = "next",
        ["messages"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["author"] = new JsonObject { ["role"] = "user" },
            ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(prompt) },
            ["metadata"] = new JsonObject { ["system_hints"] = new JsonArray("picture_v2") },
        }),
        ["parent_message_id"] = chatGpt.CurrentValue.Flow == ChatGptFlow.Newest ? "client-created-root" : Guid.NewGuid().ToString(),
        ["model"] = model.Slug,
        ["timezone_offset_min"] = -(int)time.LocalTimeZone.GetUtcOffset(time.GetUtcNow()).TotalMinutes,
        ["history_and_training_disabled"] = false,
        ["conversation_mode"] = new JsonObject { ["kind"] = "primary_assistant" },
        ["system_hints"] = new JsonArray("picture_v2"),
        ["client_prepare_state"] = "sent",
    };

    private string ApiPrefix() => gateway.CurrentValue.MirrorApiPrefix is { Length: > 0 } prefix ? $"/{prefix}/v1" : "/v1";

    /// <summary>The scheme, host and path base the client reached this gateway on.</summary>
    private static string LinkBase(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    private sealed record MadeImage(byte[] Bytes, ImageSource Source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image {Index} for {Caller} failed: {Code}")]
    private static partial void LogImageFailed(ILogger logger, string caller, int index, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image conversation of {Account} broke on attempt {Attempt}: {Reason}")]
    private static partial void LogStreamBroken(ILogger logger, string account, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image of conversation {ConversationId} found by polling, on poll {Poll}")]
    private static partial void LogPolled(ILogger logger, string conversationId, int poll);
}
