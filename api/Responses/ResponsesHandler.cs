using System.Text;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Responses;

/// <summary>
/// <c>POST /v1/responses</c> for a model served by ChatGPT web accounts: one conversation turn, admitted and
/// dispatched exactly as a chat completion is (limits, audit, failover before the first byte), answered in the
/// Responses API's shape. <c>previous_response_id</c> continues the upstream conversation on its account, from
/// that answer. <c>store: false</c> (or <c>hatd</c>) makes a temporary chat, which nobody keeps.
/// </summary>
/// <remarks>
/// A streamed answer's first event already names the response, and its id is built from the upstream's conversation
/// and message ids; so nothing is sent until the upstream has named them (its first event, in practice). Until then a
/// broken upstream is still an ordinary error response.
/// </remarks>
public sealed partial class ResponsesHandler(
    JsonBodyReader reader,
    ModelCatalog models,
    ChatTurns turns,
    ChatGptRequestBuilder builder,
    Files.FileReferences fileReferences,
    IOptionsMonitor<GatewayApiOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<ResponsesHandler> logger)
{
    public async Task<IResult?> CreateAsync(HttpContext context, Caller caller)
    {
        var cancellationToken = context.RequestAborted;
        var read = await reader.ReadObjectAsync(context.Request, cancellationToken);
        if (read.Body is null)
        {
            return OpenAiErrors.FromBody(read);
        }

        var (request, error) = ResponseRequest.Parse(read.Body, models);
        if (request is null)
        {
            return error;
        }

        string? conversationId = null;
        string? parentMessageId = null;
        if (request.PreviousResponseId is { } previous && !ResponseIds.TryRead(previous, out conversationId, out parentMessageId))
        {
            return PreviousNotFound(previous);
        }

        var (files, fileAccount, fileError) = fileReferences.Resolve(caller, request.Messages);
        if (fileError is not null)
        {
            return fileError;
        }

        var settings = options.CurrentValue;
        var temporary = request.Hatd ?? (!request.Store || settings.ApiHatd);
        var chat = new ChatCompletionRequest(request.Model, request.Messages, request.Stream, IncludeUsage: false, conversationId, parentMessageId, temporary) { Files = files };
        var record = Observability.RequestRecord.Of(context);
        if (record is not null)
        {
            record.Model = request.Model.Id;
        }

        var start = await turns.StartAsync(caller, request.Model, conversationId, temporary, continued => builder.Build(chat, continued, temporary), cancellationToken, fileAccountId: fileAccount, record: record);
        if (start.Turn is null)
        {
            LogTurnRefused(logger, caller.LogId, request.Model.Id, start.Failure!.Code);
            return start.Failure.Code == "conversation_not_found" && request.PreviousResponseId is not null
                ? PreviousNotFound(request.PreviousResponseId)
                : OpenAiErrors.From(start.Failure);
        }

        await using var turn = start.Turn;
        if (record is not null)
        {
            record.KeyId = turn.AccountId;
        }

        var answer = new AnswerIds(request, time.GetUtcNow().ToUnixTimeSeconds(), temporary);
        var inputTokens = TokenEstimator.CountPrompt(request.Messages);
        return request.Stream && settings.StreamMode
            ? await StreamAsync(context, turn, answer, inputTokens)
            : await CompleteAsync(context, turn, answer, inputTokens);
    }

    private async Task<IResult?> StreamAsync(HttpContext context, ActiveTurn turn, AnswerIds answer, int inputTokens)
    {
        var cancellationToken = context.RequestAborted;
        using var writer = new ResponseStreamWriter(context.Response);
        var text = new StringBuilder();
        try
        {
            await ChatCompletionsHandler.ReadAnswerAsync(turn, delta =>
            {
                text.Append(delta);
                if (!writer.Started)
                {
                    writer.Start(answer.Fix(turn));
                }

                writer.WriteDelta(answer.Fix(turn), delta);
            }, () => writer.Started ? writer.FlushAsync(cancellationToken) : Task.CompletedTask, cancellationToken, Observability.RequestRecord.Of(context));
        }
        catch (UpstreamStreamBrokenException ex)
        {
            LogStreamBroken(logger, turn.AccountId ?? "direct", ex.Message);
            if (!writer.Started)
            {
                return Broken(ex);
            }

            await writer.WriteErrorAsync("The upstream answer broke off before it was complete: " + ex.Message, "upstream_stream_broken", CancellationToken.None);
            await StreamAbort.AfterDeliveryAsync(context);
            return null;
        }

        var output = text.ToString();
        var outputTokens = TokenEstimator.Count(output);
        await turn.SucceedAsync(inputTokens, outputTokens);
        if (!writer.Started)
        {
            writer.Start(answer.Fix(turn));
        }

        await writer.WriteCompletedAsync(answer.Fix(turn), output, inputTokens, outputTokens, cancellationToken);
        return null;
    }

    private async Task<IResult?> CompleteAsync(HttpContext context, ActiveTurn turn, AnswerIds answer, int inputTokens)
    {
        var text = new StringBuilder();
        try
        {
            await ChatCompletionsHandler.ReadAnswerAsync(turn, delta => text.Append(delta), static () => Task.CompletedTask, context.RequestAborted, Observability.RequestRecord.Of(context));
        }
        catch (UpstreamStreamBrokenException ex)
        {
            LogStreamBroken(logger, turn.AccountId ?? "direct", ex.Message);
            return Broken(ex);
        }

        var output = text.ToString();
        var outputTokens = TokenEstimator.Count(output);
        await turn.SucceedAsync(inputTokens, outputTokens);
        return Results.Json(ResponseJson.Response(answer.Fix(turn), "completed", output, inputTokens, outputTokens));
    }

    private static IResult Broken(UpstreamStreamBrokenException ex) =>
        OpenAiErrors.Result(StatusCodes.Status502BadGateway, "The upstream answer broke off before it was complete: " + ex.Message, "upstream_stream_broken");

    /// <summary>OpenAI's answer for a previous response it does not have (or this caller may not continue).</summary>
    public static IResult PreviousNotFound(string id) =>
        OpenAiErrors.Result(StatusCodes.Status404NotFound, $"Previous response with id '{id}' not found.", "previous_response_not_found", "previous_response_id");

    /// <summary>The answer's ids, fixed the first time they are needed: from the upstream's ids once it has named them.</summary>
    private sealed class AnswerIds(ResponseRequest request, long createdAt, bool temporary)
    {
        private ResponseJson.Answer? _fixed;

        public ResponseJson.Answer Fix(ActiveTurn turn) => _fixed ??= new ResponseJson.Answer(
            !temporary && turn.ConversationId is { } conversation && turn.AssistantMessageId is { } message ? ResponseIds.ForStored(conversation, message) : ResponseIds.ForUnstored(),
            createdAt, request.Model.Id, request.Instructions, request.PreviousResponseId, !temporary, ResponseIds.MessageItem(turn.AssistantMessageId));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Response turn for {Caller} on model {Model} refused: {Code}")]
    private static partial void LogTurnRefused(ILogger logger, string caller, string model, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream stream of account {Caller} broke mid-response: {Reason}")]
    private static partial void LogStreamBroken(ILogger logger, string caller, string reason);
}
