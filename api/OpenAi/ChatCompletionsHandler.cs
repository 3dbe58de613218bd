using System.Diagnostics;
using System.Text;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Api.Observability;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: validate, admit and dispatch the turn, then translate the
/// upstream's answer into OpenAI's shape, streamed or whole. Until the first byte is written every
/// failure is an ordinary error response; after it, a failure ends the stream with an error event
/// and an aborted connection, never with a clean <c>[DONE]</c>.
/// </summary>
public sealed partial class ChatCompletionsHandler(
    JsonBodyReader reader,
    ModelCatalog models,
    ChatTurns turns,
    ChatGptRequestBuilder builder,
    Files.FileReferences fileReferences,
    IOptionsMonitor<GatewayApiOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<ChatCompletionsHandler> logger)
{
    public async Task<IResult?> HandleAsync(HttpContext context, Caller caller)
    {
        var cancellationToken = context.RequestAborted;
        var read = await reader.ReadObjectAsync(context.Request, cancellationToken);
        if (read.Body is null)
        {
            return OpenAiErrors.FromBody(read);
        }

        var (request, error) = ChatCompletionRequest.Parse(read.Body, models);
        if (request is null)
        {
            return error;
        }

        var (files, fileAccount, fileError) = fileReferences.Resolve(caller, request.MessagesToSend);
        if (fileError is not null)
        {
            return fileError;
        }

        request = request with { Files = files };
        var settings = options.CurrentValue;
        var temporary = request.Hatd ?? settings.ApiHatd;
        var record = RequestRecord.Of(context);
        if (record is not null)
        {
            // A catalogued model (the parser refused any other): a bounded metric label.
            record.Model = request.Model.Id;
        }

        var start = await turns.StartAsync(caller, request.Model, request.ConversationId, temporary, continued => builder.Build(request, continued, temporary), cancellationToken, fileAccountId: fileAccount, record: record);
        if (start.Turn is null)
        {
            LogTurnRefused(logger, caller.LogId, request.Model.Id, start.Failure!.Code);
            return OpenAiErrors.From(start.Failure);
        }

        await using var turn = start.Turn;
        if (record is not null)
        {
            record.KeyId = turn.AccountId;
        }

        var id = ChatCompletionIds.New();
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var promptTokens = TokenEstimator.CountPrompt(request.Messages);
        if (request.Stream && settings.StreamMode)
        {
            await StreamAsync(context, turn, request, id, created, promptTokens, temporary);
            return null;
        }

        return await CompleteAsync(context, turn, request, id, created, promptTokens, temporary);
    }

    private async Task StreamAsync(HttpContext context, ActiveTurn turn, ChatCompletionRequest request, string id, long created, int promptTokens, bool temporary)
    {
        var cancellationToken = context.RequestAborted;
        using var writer = new ChatCompletionStreamWriter(context.Response, id, created, request.Model.Id);
        await writer.StartAsync(cancellationToken);
        var completionTokens = 0;
        string finishReason;
        try
        {
            finishReason = await ReadAnswerAsync(turn, text =>
            {
                completionTokens += TokenEstimator.Count(text);
                writer.WriteContent(text);
            }, () => writer.FlushAsync(cancellationToken), cancellationToken, RequestRecord.Of(context));
        }
        catch (UpstreamStreamBrokenException ex)
        {
            LogStreamBroken(logger, caller: turn.AccountId ?? "direct", ex.Message);
            await writer.WriteErrorAsync("The upstream answer broke off before it was complete: " + ex.Message, "upstream_stream_broken", CancellationToken.None);
            await StreamAbort.AfterDeliveryAsync(context);
            return;
        }

        await turn.SucceedAsync(promptTokens, completionTokens);
        await writer.WriteFinishAsync(finishReason, temporary ? null : turn.ConversationId, temporary ? null : turn.AssistantMessageId, cancellationToken);
        if (request.IncludeUsage)
        {
            await writer.WriteUsageAsync(promptTokens, completionTokens, cancellationToken);
        }

        await writer.WriteDoneAsync(cancellationToken);
    }

    private async Task<IResult?> CompleteAsync(HttpContext context, ActiveTurn turn, ChatCompletionRequest request, string id, long created, int promptTokens, bool temporary)
    {
        var cancellationToken = context.RequestAborted;
        var content = new StringBuilder();
        string finishReason;
        try
        {
            finishReason = await ReadAnswerAsync(turn, text => content.Append(text), static () => Task.CompletedTask, cancellationToken, RequestRecord.Of(context));
        }
        catch (UpstreamStreamBrokenException ex)
        {
            LogStreamBroken(logger, caller: turn.AccountId ?? "direct", ex.Message);
            return OpenAiErrors.Result(StatusCodes.Status502BadGateway, "The upstream answer broke off before it was complete: " + ex.Message, "upstream_stream_broken");
        }

        var text = content.ToString();
        var completionTokens = TokenEstimator.Count(text);
        await turn.SucceedAsync(promptTokens, completionTokens);
        await ChatCompletionJson.WriteAsync(context.Response, id, created, request.Model.Id, text, finishReason, promptTokens, completionTokens,
            temporary ? null : turn.ConversationId, temporary ? null : turn.AssistantMessageId, cancellationToken);
        return null;
    }

    /// <summary>
    /// Reads the upstream answer to its end, handing each piece of visible text to <paramref name="onText"/>,
    /// and calling <paramref name="beforeWaiting"/> whenever the next upstream event is not already at
    /// hand: a streamed answer is sent then, so text never waits on the upstream, while a burst of events
    /// goes out in one socket write. Returns OpenAI's finish reason; a broken stream throws
    /// <see cref="UpstreamStreamBrokenException"/>. The time spent waiting on the upstream goes into <paramref name="record"/>.
    /// </summary>
    internal static async Task<string> ReadAnswerAsync(ActiveTurn turn, Action<string> onText, Func<Task> beforeWaiting, CancellationToken cancellationToken, RequestRecord? record = null)
    {
        var finishReason = "stop";
        await using var events = turn.Stream.ReadEventsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var next = events.MoveNextAsync();
            var waitStarted = 0L;
            if (!next.IsCompleted)
            {
                await beforeWaiting();
                waitStarted = Stopwatch.GetTimestamp();
            }

            var more = await next;
            if (waitStarted != 0)
            {
                record?.AddUpstreamWait(waitStarted);
            }

            if (!more)
            {
                break;
            }

            turn.Observe(events.Current);
            switch (events.Current)
            {
                case AssistantTextDelta delta:
                    onText(delta.Text);
                    break;
                case AssistantTurnFinished finished:
                    finishReason = FinishReason(finished.FinishType);
                    break;
            }
        }

        return finishReason;
    }

    /// <summary>ChatGPT's <c>finish_details.type</c> in OpenAI's words.</summary>
    private static string FinishReason(string finishType) => finishType switch
    {
        "max_tokens" => "length",
        _ => "stop",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat turn for {Caller} on model {Model} refused: {Code}")]
    private static partial void LogTurnRefused(ILogger logger, string caller, string model, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream stream of account {Caller} broke mid-answer: {Reason}")]
    private static partial void LogStreamBroken(ILogger logger, string caller, string reason);
}
