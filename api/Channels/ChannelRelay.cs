using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Api.Limits;
using MirrorGate.Api.Observability;
using MirrorGate.Api.OpenAi;
using MirrorGate.Api.Platform.Billing;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Hosting;

namespace MirrorGate.Api.Channels;

/// <summary>
/// Relays an OpenAI API request to a channel key and its answer back, as bytes (architecture steps 2–6 for
/// channels): admit the caller's use under the user's limits, pick a key in memory, send the body unchanged but
/// for the model name, and stream the answer back as it arrives while reading <c>usage</c> out of it. Before the
/// first byte reaches the client every failure may move to the next key: 401/403 rejects the key, 429 cools it
/// down for the model, 5xx, a connection failure or an answer that breaks before its first byte try the next. The
/// usage record and the limit's settlement are stored before the answer's final bytes (a stream's <c>[DONE]</c> or
/// <c>response.completed</c>, a whole answer's last chunk), once per request id, however many keys were tried.
/// </summary>
public sealed partial class ChannelRelay(
    ChannelPool channels,
    ChannelKeyCache keys,
    ChannelHttp http,
    GrainReferences grains,
    LimitLeases leases,
    TurnSettlement settlement,
    LlmBilling billing,
    GatewayMetrics metrics,
    IOptionsMonitor<PoolOptions> poolOptions,
    IOptionsMonitor<ChannelOptions> channelOptions,
    IOptionsMonitor<GatewayApiOptions> gatewayOptions,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<ChannelRelay> logger)
{
    private const int ChunkSize = 16 * 1024;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    /// <summary><c>/v1/completions</c>, <c>/v1/embeddings</c>, <c>/v1/responses</c>: channels only.</summary>
    public async Task<IResult?> HandleAsync(HttpContext context, Caller caller, ChannelEndpoint endpoint)
    {
        var (request, tooLarge, problem) = await ChannelRequest.ReadAsync(context.Request, gatewayOptions.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (request is null || request.Problem is not null)
        {
            request?.Dispose();
            return BadBody(tooLarge, request?.Problem ?? problem!);
        }

        using (request)
        {
            if (!channels.Knows(request.Model))
            {
                return OpenAiErrors.Result(StatusCodes.Status404NotFound, $"The model '{request.Model}' does not exist or no channel of this gateway serves it.", "model_not_found", "model");
            }

            return await RelayAsync(context, caller, endpoint, request);
        }
    }

    /// <summary>
    /// <c>/v1/chat/completions</c>: relayed to a channel when one serves the model; otherwise (and for a body that is
    /// not a JSON object with a model, which the ChatGPT path answers as it always has) the bytes as read are handed
    /// to the ChatGPT web path, <paramref name="web"/>.
    /// </summary>
    public Task<IResult?> HandleChatAsync(HttpContext context, Caller caller, Func<Task<IResult?>> web) =>
        HandleOrWebAsync(context, caller, ChannelEndpoint.ChatCompletions, web);

    /// <summary>As <see cref="HandleChatAsync"/>, for any endpoint that the ChatGPT web path serves too (<c>/v1/responses</c>).</summary>
    public async Task<IResult?> HandleOrWebAsync(HttpContext context, Caller caller, ChannelEndpoint endpoint, Func<Task<IResult?>> web)
    {
        var (request, tooLarge, problem) = await ChannelRequest.ReadAsync(context.Request, gatewayOptions.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (request is null)
        {
            return BadBody(tooLarge, problem!);
        }

        byte[] body;
        using (request)
        {
            // A caller with its own ChatGPT credential keeps the web path: the channels' keys are not for it.
            if (request.Problem is null && caller.Kind is CallerKind.Pool or CallerKind.User or CallerKind.Platform && channels.Serves(request.Model))
            {
                return await RelayAsync(context, caller, endpoint, request);
            }

            // A platform key buys priced channel models only: the web accounts' answers have no usage to bill.
            if (request.Problem is null && caller.Kind is CallerKind.Platform)
            {
                return OpenAiErrors.Result(StatusCodes.Status404NotFound, $"The model '{request.Model}' is not offered to platform keys.", "model_not_found");
            }

            body = request.Body.ToArray();
        }

        context.Request.Body = new MemoryStream(body, writable: false);
        context.Request.ContentLength = body.Length;
        return await web();
    }

    private static IResult BadBody(bool tooLarge, string problem) => tooLarge
        ? OpenAiErrors.Result(StatusCodes.Status413PayloadTooLarge, problem, "request_too_large")
        : OpenAiErrors.Result(StatusCodes.Status400BadRequest, problem, "invalid_json");

    private async Task<IResult?> RelayAsync(HttpContext context, Caller caller, ChannelEndpoint endpoint, ChannelRequest request)
    {
        if (caller.Kind is CallerKind.Account or CallerKind.Direct)
        {
            // A caller's own ChatGPT credential buys no use of the operator's API keys.
            return OpenAiErrors.Result(StatusCodes.Status403Forbidden, $"The model '{request.Model}' is served by the gateway's channels: use the gateway's key, a mirror token or an activation code.", "channel_not_allowed");
        }

        // The model is served here, so it is a bounded metric label.
        var record = RequestRecord.Of(context);
        if (record is not null)
        {
            record.Model = request.Model;
        }

        var requestId = TurnSettlement.NewRequestId();
        var admission = caller.UserName is null ? null : await leases.AdmitAsync(caller.UserName, request.Model, requestId, request.EstimatedTokens);
        if (admission is { Granted: false })
        {
            var refused = LimitFailures.From(admission, request.Model);
            metrics.LimitRefused(refused.Code);
            LogRefused(logger, caller.LogId, request.Model, refused.Code);
            return OpenAiErrors.From(refused);
        }

        // A platform key pays from its org's wallet: the estimate is reserved before any upstream is asked.
        LlmCharge? charge = null;
        if (caller.Kind is CallerKind.Platform)
        {
            var (opened, refusal) = await billing.OpenAsync(caller, request.Model, requestId, ChannelRequest.EstimateTokens(request.Body.Length, 0), request.MaxOutputTokens);
            if (refusal is not null)
            {
                metrics.LimitRefused(refusal.Code);
                LogRefused(logger, caller.LogId, request.Model, refusal.Code);
                return OpenAiErrors.From(refusal);
            }

            charge = opened;
        }

        // Only a use that settles (token or concurrency limit) talks to the user's grain again.
        var user = admission?.Reservation is { Settles: true } && caller.UserName is { } name ? grains.Get<IUserGrain>(name) : null;
        var turn = new Settlement(settlement, leases, requestId, request, caller.UserName, user, admission?.Reservation, charge);
        try
        {
            var failure = await DispatchAsync(context, endpoint, request, turn);
            if (failure is not null)
            {
                LogRefused(logger, caller.LogId, request.Model, failure.Code);
                return OpenAiErrors.From(failure);
            }

            return null;
        }
        finally
        {
            await turn.ReleaseUnlessSettledAsync();
        }
    }

    /// <summary>Tries keys until one answers; null when the answer went out (whole or broken), else the failure to answer with.</summary>
    private async Task<GatewayFailure?> DispatchAsync(HttpContext context, ChannelEndpoint endpoint, ChannelRequest request, Settlement turn)
    {
        var cancellationToken = context.RequestAborted;
        HashSet<string>? tried = null;
        GatewayFailure? last = null;
        var attempts = poolOptions.CurrentValue.MaxAttempts;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var pick = channels.Pick(request.Model, tried);
            if (pick.Target is not { } target)
            {
                return last ?? (pick.Shortage is PoolShortage.AllCoolingDown
                    ? GatewayFailure.CoolingDown(request.Model, pick.RetryAt!.Value - time.GetUtcNow()) with { Message = $"Every channel key that serves '{request.Model}' is rate limited; try again in {Math.Ceiling((pick.RetryAt!.Value - time.GetUtcNow()).TotalSeconds)} seconds." }
                    : new GatewayFailure(StatusCodes.Status503ServiceUnavailable, "no_available_channel", $"No channel key can serve model '{request.Model}' right now."));
            }

            using var slot = pick.Slot!;
            var snapshot = target.Snapshot;

            string? key;
            try
            {
                key = await keys.GetAsync(snapshot);
            }
            catch (Exception ex) when (GatewayFailure.IsClusterFailure(ex))
            {
                LogFailover(logger, snapshot.KeyId, "key_unreachable", attempt);
                last = GatewayFailure.AccountUnreachable(snapshot.KeyId);
                Exclude(ref tried, snapshot.KeyId);
                continue;
            }

            if (key is null)
            {
                Exclude(ref tried, snapshot.KeyId);
                continue;
            }

            var outcome = await TryKeyAsync(context, endpoint, request, target, key, turn, cancellationToken);
            if (outcome.Failure is null)
            {
                return null;
            }

            if (!outcome.TryNext)
            {
                return outcome.Failure;
            }

            LogFailover(logger, snapshot.KeyId, outcome.Failure.Code, attempt);
            last = outcome.Failure;
            Exclude(ref tried, snapshot.KeyId);
        }

        return last;
    }

    /// <summary>Only a request that moves on needs the set of keys tried; most never do, and allocate none.</summary>
    private static void Exclude(ref HashSet<string>? tried, string keyId) => (tried ??= new HashSet<string>(StringComparer.Ordinal)).Add(keyId);

    private readonly record struct Outcome(GatewayFailure? Failure, bool TryNext)
    {
        public static Outcome Done => default;
    }

    private async Task<Outcome> TryKeyAsync(HttpContext context, ChannelEndpoint endpoint, ChannelRequest request, ChannelTarget target, string key, Settlement turn, CancellationToken cancellationToken)
    {
        var snapshot = target.Snapshot;
        var model = request.Model;
        var record = RequestRecord.Of(context);
        if (record is not null)
        {
            record.KeyId = snapshot.KeyId;
        }

        var askUsage = endpoint is ChannelEndpoint.ChatCompletions or ChannelEndpoint.Completions;
        using var message = new HttpRequestMessage(HttpMethod.Post, target.For(endpoint))
        {
            Content = request.ContentFor(snapshot.Channel.UpstreamModel(model), askUsage),
        };
        message.Content.Headers.ContentType = JsonContentType;
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (context.Request.Headers["OpenAI-Beta"] is { Count: > 0 } beta)
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Beta", (IEnumerable<string?>)beta);
        }

        HttpResponseMessage response;
        using (var headersTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            headersTimeout.CancelAfter(channelOptions.CurrentValue.ResponseTimeout);
            var waitStarted = Stopwatch.GetTimestamp();
            try
            {
                response = await http.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, headersTimeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                metrics.UpstreamFailed(UpstreamFault.Connect);
                return new Outcome(new GatewayFailure(StatusCodes.Status502BadGateway, "upstream_unreachable", $"The channel's upstream could not be reached ({ex.GetType().Name})."), true);
            }
            finally
            {
                record?.AddUpstreamWait(waitStarted);
            }
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                var relayed = IsEventStream(response)
                    ? await RelayStreamAsync(context, response, endpoint, turn, snapshot.KeyId, record, cancellationToken)
                    : await RelayWholeAsync(context, response, turn, snapshot.KeyId, record, cancellationToken);
                return relayed
                    ? Outcome.Done
                    : new Outcome(new GatewayFailure(StatusCodes.Status502BadGateway, "upstream_stream_broken", "The channel's answer broke off before its first byte."), true);
            }

            var grain = grains.Get<IChannelKeyGrain>(snapshot.KeyId);
            switch (status)
            {
                case StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden:
                    metrics.UpstreamFailed(UpstreamFault.Rejected);
                    var reason = Scrub(await ErrorMessageAsync(response, cancellationToken), key);
                    await ReportAsync(grain.ReportRejectedAsync(status, reason), snapshot.KeyId);
                    return new Outcome(new GatewayFailure(StatusCodes.Status503ServiceUnavailable, "channel_key_rejected", $"A channel key serving '{model}' was refused by its upstream (HTTP {status})."), true);
                case StatusCodes.Status429TooManyRequests:
                    metrics.UpstreamFailed(UpstreamFault.RateLimited);
                    var clearsIn = RateLimitReset.From(response.Headers, time.GetUtcNow()) ?? poolOptions.CurrentValue.DefaultCooldown;
                    await ReportAsync(grain.ReportRateLimitedAsync(model, clearsIn), snapshot.KeyId);
                    return new Outcome(GatewayFailure.CoolingDown(model, clearsIn) with { Message = $"The channel keys that serve '{model}' are rate limited; try again in {Math.Ceiling(clearsIn.TotalSeconds)} seconds." }, true);
                case >= 500:
                    metrics.UpstreamFailed(UpstreamFault.ServerError);
                    return new Outcome(new GatewayFailure(StatusCodes.Status502BadGateway, "upstream_error", $"The channel's upstream failed (HTTP {status})."), true);
                default:
                    // The request itself is wrong (400, 404, 413, 422 …): the upstream's own OpenAI-shaped answer, as it is.
                    await CopyErrorAsync(context, response, cancellationToken);
                    return Outcome.Done;
            }
        }
    }

    private async Task ReportAsync(Task report, string keyId)
    {
        try
        {
            await report;
        }
        catch (Exception ex) when (GatewayFailure.IsClusterFailure(ex))
        {
            // The key's grain is away; the failover goes on, and the next request finds out again.
            LogReportFailed(logger, keyId, ex.GetType().Name);
        }
    }

    private static bool IsEventStream(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is "text/event-stream";

    /// <summary>
    /// Relays a whole (JSON) answer chunk by chunk, always one chunk behind, so that the last one waits for the
    /// settlement. False when it broke before anything was written (the next key may answer).
    /// </summary>
    private async Task<bool> RelayWholeAsync(HttpContext context, HttpResponseMessage response, Settlement turn, string keyId, RequestRecord? record, CancellationToken cancellationToken)
    {
        var current = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var next = ArrayPool<byte>.Shared.Rent(ChunkSize);
        using var scanner = new UsageScanner();
        var written = false;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var waitStarted = Stopwatch.GetTimestamp();
            var currentLength = await body.ReadAsync(current, cancellationToken);
            record?.AddUpstreamWait(waitStarted);
            while (true)
            {
                waitStarted = Stopwatch.GetTimestamp();
                var nextLength = currentLength == 0 ? 0 : await body.ReadAsync(next, cancellationToken);
                record?.AddUpstreamWait(waitStarted);
                var last = nextLength == 0;
                scanner.Feed(current.AsSpan(0, currentLength), final: last);
                if (!written)
                {
                    context.Response.StatusCode = (int)response.StatusCode;
                    context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
                    context.Response.ContentLength = response.Content.Headers.ContentLength;
                }

                if (last)
                {
                    await turn.SucceedAsync(keyId, scanner);
                }

                written = true;
                await context.Response.Body.WriteAsync(current.AsMemory(0, currentLength), cancellationToken);
                if (last)
                {
                    return true;
                }

                (current, next) = (next, current);
                currentLength = nextLength;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            LogStreamBroken(logger, keyId, ex.GetType().Name);
            metrics.UpstreamFailed(UpstreamFault.Drop);
            if (!written)
            {
                return false;
            }

            context.Abort();
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>
    /// Relays server-sent events as they arrive, a socket write per upstream read. Reads <c>usage</c> from the events
    /// that carry it, drops the usage chunk the gateway asked for on the caller's behalf, and settles before the
    /// final event. A stream that ends without its final event ends for the client with an error event and a broken
    /// connection, never a clean end. False when it broke before anything was written.
    /// </summary>
    private async Task<bool> RelayStreamAsync(HttpContext context, HttpResponseMessage response, ChannelEndpoint endpoint, Settlement turn, string keyId, RequestRecord? record, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var filled = 0;
        var written = false;
        var finished = false;
        var output = context.Response.BodyWriter;
        UsageScanner? usage = null;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One event larger than the buffer: grow (rare; a long tool-call argument, a large response object).
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var waitStarted = Stopwatch.GetTimestamp();
                var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                record?.AddUpstreamWait(waitStarted);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var position = 0;
                var wroteNow = false;
                while (SseEvents.NextEnd(buffer.AsSpan(position, filled - position), out var length, out var separator))
                {
                    var whole = buffer.AsMemory(position, length + separator);
                    var final = SseEvents.IsFinal(buffer.AsSpan(position, length), endpoint, out var data);
                    var drop = false;
                    if (SseEvents.HasUsageObject(data))
                    {
                        var scanned = UsageScanner.ScanWhole(data);
                        if (scanned.Found)
                        {
                            usage = scanned;

                            // The usage chunk the gateway asked for on the caller's behalf: the caller never sees it.
                            drop = !turn.Request.CallerWantsUsage && endpoint is ChannelEndpoint.ChatCompletions or ChannelEndpoint.Completions && scanned.ChoicesEmpty;
                        }
                    }

                    if (final && !finished)
                    {
                        // Stored before the client sees the end: a complete answer always has its usage record.
                        if (written)
                        {
                            await output.FlushAsync(cancellationToken);
                        }

                        await turn.SucceedAsync(keyId, usage);
                        finished = true;
                    }

                    if (!drop)
                    {
                        if (!written)
                        {
                            StartEventStream(context, response);
                            written = true;
                        }

                        output.Write(whole.Span);
                        wroteNow = true;
                    }

                    position += length + separator;
                }

                buffer.AsSpan(position, filled - position).CopyTo(buffer);
                filled -= position;
                if (wroteNow)
                {
                    await output.FlushAsync(cancellationToken);
                }
            }

            if (!finished)
            {
                throw new IOException("The upstream stream ended before its final event.");
            }

            if (filled > 0)
            {
                output.Write(buffer.AsSpan(0, filled));
                await output.FlushAsync(cancellationToken);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            LogStreamBroken(logger, keyId, ex.GetType().Name);
            metrics.UpstreamFailed(UpstreamFault.Drop);
            if (!written)
            {
                return false;
            }

            output.Write(BrokenEvent);
            await output.FlushAsync(CancellationToken.None);
            await StreamAbort.AfterDeliveryAsync(context);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly byte[] BrokenEvent = Encoding.UTF8.GetBytes(
        "data: {\"error\":{\"message\":\"The upstream answer broke off before it was complete.\",\"type\":\"server_error\",\"param\":null,\"code\":\"upstream_stream_broken\"}}\n\n");

    private static void StartEventStream(HttpContext context, HttpResponseMessage response)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private static async Task CopyErrorAsync(HttpContext context, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
        await response.Content.CopyToAsync(context.Response.Body, cancellationToken);
    }

    /// <summary>The <c>error.message</c> of an upstream's refusal (the first 4 KB of it), for the key's status reason.</summary>
    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind is JsonValueKind.String
                ? message.GetString()!
                : text;
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            return "the upstream refused the key";
        }
    }

    /// <summary>Upstreams quote the refused key back (OpenAI masks most of it, not all do): it never goes into a stored reason.</summary>
    private static string Scrub(string reason, string key) =>
        (reason.Length > 300 ? reason[..300] : reason).Replace(key, "***", StringComparison.Ordinal);

    /// <summary>One request's use and its settlement: exactly once, before the final bytes; given back when it never succeeds.</summary>
    private sealed class Settlement(TurnSettlement ledger, LimitLeases leases, string requestId, ChannelRequest request, string? userName, IUserGrain? user, LimitReservation? reservation, LlmCharge? charge)
    {
        private bool _settled;

        public ChannelRequest Request => request;

        public async Task SucceedAsync(string keyId, UsageScanner? usage)
        {
            if (_settled)
            {
                return;
            }

            // No usage from the upstream: the prompt estimate goes on record, and a token limit keeps the whole reservation.
            var found = usage is { Found: true };
            var prompt = found ? usage!.PromptTokens : ChannelRequest.EstimateTokens(request.Body.Length, 0);
            var completion = found ? usage!.CompletionTokens : 0;
            var record = ledger.RecordUsageAsync(requestId, request.Model, keyId, userName, prompt, completion);
            var settle = user is not null && reservation is { Settles: true } held
                ? user.SettleAsync(held, found ? prompt + completion : request.EstimatedTokens)
                : Task.CompletedTask;
            var bill = charge?.SettleAsync(prompt, completion) ?? Task.CompletedTask;
            await Task.WhenAll(record, settle, bill);
            _settled = true;
        }

        public async Task ReleaseUnlessSettledAsync()
        {
            if (!_settled && charge is not null)
            {
                await charge.ReleaseUnlessSettledAsync();
            }

            if (!_settled && userName is not null && reservation is { Key.Length: > 0 } held)
            {
                await leases.ReleaseAsync(userName, request.Model, held);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel request for {Caller} on model {Model} refused: {Code}")]
    private static partial void LogRefused(ILogger logger, string caller, string model, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel key {KeyId} could not answer ({Code}) on attempt {Attempt}; trying the next")]
    private static partial void LogFailover(ILogger logger, string keyId, string code, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel key {KeyId}'s answer broke off: {Reason}")]
    private static partial void LogStreamBroken(ILogger logger, string keyId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel key {KeyId}'s grain could not take the upstream's verdict ({Failure})")]
    private static partial void LogReportFailed(ILogger logger, string keyId, string failure);
}
