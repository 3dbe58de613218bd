using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.OpenAiSim;

/// <summary>
/// The OpenAI API paths a channel relays: chat completions, legacy completions, embeddings, responses (each whole or
/// streamed as OpenAI streams them) and the model list. Every request needs a known key as its bearer; faults queued
/// for the key apply before the answer (or, for a dropped stream, in the middle of it).
/// </summary>
internal static class SimEndpoints
{
    private const string Reply = "This is a test of the channel simulator";

    /// <summary>How long a dropped answer's bytes get to leave before the connection is reset.</summary>
    private static readonly TimeSpan DropGrace = TimeSpan.FromMilliseconds(100);

    public static void Map(WebApplication app)
    {
        app.MapGet("/v1/models", (HttpContext context, SimState state, OpenAiSimOptions options) =>
            Authorize(context, state, options, out var error) is null ? error!
            : Results.Json(new { @object = "list", data = options.Models.Select(m => new { id = m, @object = "model", created = 1700000000, owned_by = "sim" }) }));
        app.MapPost("/v1/chat/completions", (HttpContext context, SimState state, OpenAiSimOptions options) => HandleAsync(context, state, options, Api.Chat));
        app.MapPost("/v1/completions", (HttpContext context, SimState state, OpenAiSimOptions options) => HandleAsync(context, state, options, Api.Completions));
        app.MapPost("/v1/embeddings", (HttpContext context, SimState state, OpenAiSimOptions options) => HandleAsync(context, state, options, Api.Embeddings));
        app.MapPost("/v1/responses", (HttpContext context, SimState state, OpenAiSimOptions options) => HandleAsync(context, state, options, Api.Responses));
    }

    private enum Api
    {
        Chat,
        Completions,
        Embeddings,
        Responses,
    }

    private static string? Authorize(HttpContext context, SimState state, OpenAiSimOptions options, out IResult? error)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..].Trim() : string.Empty;
        error = null;
        if (key.Length == 0 || !(options.AcceptAnyKey || state.IsKnown(key)))
        {
            error = Error(StatusCodes.Status401Unauthorized, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
            return null;
        }

        return key;
    }

    private static async Task HandleAsync(HttpContext context, SimState state, OpenAiSimOptions options, Api api)
    {
        var cancellationToken = context.RequestAborted;
        string raw;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            raw = await reader.ReadToEndAsync(cancellationToken);
        }

        var key = Authorize(context, state, options, out var refused);
        if (key is null)
        {
            state.Record(new OpenAiCall(string.Empty, context.Request.Path, null, false, raw, StatusCodes.Status401Unauthorized));
            await refused!.ExecuteAsync(context);
            return;
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(raw) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        var model = body?["model"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : null;
        var stream = body?["stream"] is JsonValue s && s.TryGetValue<bool>(out var streamed) && streamed;
        var fault = state.TakeFault(key, model);
        var status = fault?.Kind switch
        {
            OpenAiFaultKind.Unauthorized => 401,
            OpenAiFaultKind.Forbidden => 403,
            OpenAiFaultKind.RateLimited => 429,
            OpenAiFaultKind.ServerError => fault.StatusCode is 0 ? 500 : fault.StatusCode,
            OpenAiFaultKind.ConnectionReset => 0,
            _ => body is null || model is null ? 400 : 200,
        };
        state.Record(new OpenAiCall(key, context.Request.Path, model, stream, raw, status));
        switch (fault?.Kind)
        {
            case OpenAiFaultKind.Unauthorized:
                // Some upstreams quote the refused key back in full; the gateway must never store or log it.
                await Error(401, $"Incorrect API key provided: {key}.", "invalid_request_error", "invalid_api_key").ExecuteAsync(context);
                return;
            case OpenAiFaultKind.Forbidden:
                await Error(403, "You are not allowed to use this model.", "invalid_request_error", "model_not_allowed").ExecuteAsync(context);
                return;
            case OpenAiFaultKind.RateLimited:
                WriteRateLimitHeaders(context.Response, fault);
                await Error(429, $"Rate limit reached for {model}.", "requests", "rate_limit_exceeded").ExecuteAsync(context);
                return;
            case OpenAiFaultKind.ServerError:
                await Error(status, "The server had an error while processing your request.", "server_error", null).ExecuteAsync(context);
                return;
            case OpenAiFaultKind.ConnectionReset:
                context.Abort();
                return;
            case OpenAiFaultKind.Hold:
                await state.WaitAtGateAsync(cancellationToken);
                break;
            case OpenAiFaultKind.Slow:
                await Task.Delay(fault.Delay, cancellationToken);
                break;
        }

        if (body is null || model is null)
        {
            await Error(400, body is null ? "We could not parse the JSON body of your request." : "you must provide a model parameter", "invalid_request_error", null).ExecuteAsync(context);
            return;
        }

        var promptTokens = options.PromptTokens ?? Math.Max(1, PromptText(body).Length / 4);
        var chunks = Math.Max(1, options.ReplyChunks);
        var completionTokens = options.CompletionTokens ?? chunks;
        var usage = new Usage(promptTokens, completionTokens);
        var delay = fault?.Kind is OpenAiFaultKind.Slow ? fault.Delay : TimeSpan.Zero;
        var dropAfter = fault?.Kind is OpenAiFaultKind.DropMidStream ? fault.AfterChunks : (int?)null;
        var pieces = Pieces(chunks);
        if (api is Api.Embeddings)
        {
            await WriteWholeAsync(context, Embeddings(body, model, options.EmbeddingDimensions, usage), dropAfter, cancellationToken);
        }
        else if (!stream)
        {
            var text = string.Concat(pieces);
            await WriteWholeAsync(context, api switch
            {
                Api.Chat => ChatWhole(model, text, usage),
                Api.Completions => CompletionWhole(model, text, usage),
                _ => ResponseObject(model, text, usage, "completed"),
            }, dropAfter, cancellationToken);
        }
        else
        {
            var includeUsage = body["stream_options"]?["include_usage"] is JsonValue u && u.TryGetValue<bool>(out var wanted) && wanted;
            var events = api switch
            {
                Api.Chat => ChatStream(model, pieces, usage, includeUsage),
                Api.Completions => CompletionStream(model, pieces, usage, includeUsage),
                _ => ResponseStream(model, pieces, usage),
            };
            await WriteStreamAsync(context, events, delay, dropAfter, cancellationToken);
        }
    }

    private static string PromptText(JsonObject body)
    {
        var text = new StringBuilder();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonValue value when value.TryGetValue<string>(out var s):
                    text.Append(s);
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Walk(item);
                    }

                    break;
                case JsonObject obj:
                    Walk(obj["content"] ?? obj["text"]);
                    break;
            }
        }

        Walk(body["messages"] ?? body["prompt"] ?? body["input"]);
        return text.ToString();
    }

    private static string[] Pieces(int chunks)
    {
        var words = Reply.Split(' ');
        return [.. Enumerable.Range(0, chunks).Select(i => (i == 0 ? string.Empty : " ") + words[i % words.Length])];
    }

    private static void WriteRateLimitHeaders(HttpResponse response, OpenAiFault fault)
    {
        if (fault.RetryAfter is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (fault.ResetRequests is { } requests)
        {
            response.Headers["x-ratelimit-reset-requests"] = requests;
            response.Headers["x-ratelimit-remaining-requests"] = "0";
        }

        if (fault.ResetTokens is { } tokens)
        {
            response.Headers["x-ratelimit-reset-tokens"] = tokens;
            response.Headers["x-ratelimit-remaining-tokens"] = fault.ResetRequests is null ? "0" : "1000";
        }
    }

    private static IResult Error(int status, string message, string type, string? code) =>
        Results.Json(new { error = new { message, type, param = (string?)null, code } }, statusCode: status);

    private sealed record Usage(int Prompt, int Completion);

    private static JsonObject ChatUsage(Usage u) => new() { ["prompt_tokens"] = u.Prompt, ["completion_tokens"] = u.Completion, ["total_tokens"] = u.Prompt + u.Completion };

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static JsonObject ChatWhole(string model, string text, Usage usage) => new()
    {
        ["id"] = "chatcmpl-sim" + Guid.NewGuid().ToString("N")[..12],
        ["object"] = "chat.completion",
        ["created"] = Now,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null },
            ["logprobs"] = null,
            ["finish_reason"] = "stop",
        }),
        ["usage"] = ChatUsage(usage),
        ["system_fingerprint"] = "fp_sim",
    };

    private static JsonObject CompletionWhole(string model, string text, Usage usage) => new()
    {
        ["id"] = "cmpl-sim" + Guid.NewGuid().ToString("N")[..12],
        ["object"] = "text_completion",
        ["created"] = Now,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["text"] = text, ["index"] = 0, ["logprobs"] = null, ["finish_reason"] = "stop" }),
        ["usage"] = ChatUsage(usage),
    };

    private static JsonObject Embeddings(JsonObject body, string model, int dimensions, Usage usage)
    {
        var inputs = body["input"] is JsonArray array ? array.Count : 1;
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs; i++)
        {
            var vector = Enumerable.Range(0, dimensions).Select(d => (float)((i + 1) * 0.01 + d * 0.001)).ToArray();
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()))
                : new JsonArray([.. vector.Select(v => (JsonNode)JsonValue.Create(v))]);
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = model,
            ["usage"] = new JsonObject { ["prompt_tokens"] = usage.Prompt, ["total_tokens"] = usage.Prompt },
        };
    }

    private static JsonObject ResponseObject(string model, string? text, Usage? usage, string status) => new()
    {
        ["id"] = "resp_sim",
        ["object"] = "response",
        ["created_at"] = Now,
        ["status"] = status,
        ["error"] = null,
        ["incomplete_details"] = null,
        ["instructions"] = null,
        ["max_output_tokens"] = null,
        ["model"] = model,
        ["output"] = text is null ? new JsonArray() : new JsonArray(new JsonObject
        {
            ["type"] = "message",
            ["id"] = "msg_sim",
            ["status"] = "completed",
            ["role"] = "assistant",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() }),
        }),
        ["parallel_tool_calls"] = true,
        ["previous_response_id"] = null,
        ["store"] = true,
        ["temperature"] = 1.0,
        ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
        ["tool_choice"] = "auto",
        ["tools"] = new JsonArray(),
        ["top_p"] = 1.0,
        ["truncation"] = "disabled",
        ["usage"] = usage is null ? null : new JsonObject
        {
            ["input_tokens"] = usage.Prompt,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
            ["output_tokens"] = usage.Completion,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
            ["total_tokens"] = usage.Prompt + usage.Completion,
        },
        ["metadata"] = new JsonObject(),
    };

    private static IEnumerable<(string? Event, string Data)> ChatStream(string model, string[] pieces, Usage usage, bool includeUsage)
    {
        var id = "chatcmpl-sim" + Guid.NewGuid().ToString("N")[..12];
        JsonObject Chunk(JsonObject delta, string? finish) => new()
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = Now,
            ["model"] = model,
            ["system_fingerprint"] = "fp_sim",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish }),
            ["usage"] = includeUsage ? null : (JsonNode?)null,
        };

        // With include_usage OpenAI puts "usage": null on every chunk and sends the usage in a last chunk with no choices.
        string Text(JsonObject chunk)
        {
            if (!includeUsage)
            {
                chunk.Remove("usage");
            }

            return chunk.ToJsonString();
        }

        yield return (null, Text(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty, ["refusal"] = null }, null)));
        foreach (var piece in pieces)
        {
            yield return (null, Text(Chunk(new JsonObject { ["content"] = piece }, null)));
        }

        yield return (null, Text(Chunk(new JsonObject(), "stop")));
        if (includeUsage)
        {
            yield return (null, new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = Now,
                ["model"] = model,
                ["system_fingerprint"] = "fp_sim",
                ["choices"] = new JsonArray(),
                ["usage"] = ChatUsage(usage),
            }.ToJsonString());
        }

        yield return (null, "[DONE]");
    }

    private static IEnumerable<(string? Event, string Data)> CompletionStream(string model, string[] pieces, Usage usage, bool includeUsage)
    {
        var id = "cmpl-sim" + Guid.NewGuid().ToString("N")[..12];
        for (var i = 0; i < pieces.Length; i++)
        {
            yield return (null, new JsonObject
            {
                ["id"] = id,
                ["object"] = "text_completion",
                ["created"] = Now,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["text"] = pieces[i], ["index"] = 0, ["logprobs"] = null, ["finish_reason"] = i == pieces.Length - 1 ? "stop" : null }),
            }.ToJsonString());
        }

        if (includeUsage)
        {
            yield return (null, new JsonObject { ["id"] = id, ["object"] = "text_completion", ["created"] = Now, ["model"] = model, ["choices"] = new JsonArray(), ["usage"] = ChatUsage(usage) }.ToJsonString());
        }

        yield return (null, "[DONE]");
    }

    private static IEnumerable<(string? Event, string Data)> ResponseStream(string model, string[] pieces, Usage usage)
    {
        var sequence = 0;
        (string?, string) Event(string type, JsonObject payload)
        {
            payload["type"] = type;
            payload["sequence_number"] = sequence++;
            return (type, payload.ToJsonString());
        }

        yield return Event("response.created", new JsonObject { ["response"] = ResponseObject(model, null, null, "in_progress") });
        foreach (var piece in pieces)
        {
            yield return Event("response.output_text.delta", new JsonObject { ["item_id"] = "msg_sim", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = piece });
        }

        yield return Event("response.completed", new JsonObject { ["response"] = ResponseObject(model, string.Concat(pieces), usage, "completed") });
    }

    private static async Task WriteWholeAsync(HttpContext context, JsonObject answer, int? dropAfter, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
        context.Response.ContentType = "application/json";
        if (dropAfter is not null)
        {
            // Half the body, then the connection goes: the client sees a broken answer, not a short valid one.
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            await Task.Delay(DropGrace, CancellationToken.None);
            context.Abort();
            return;
        }

        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, cancellationToken);
    }

    private static async Task WriteStreamAsync(HttpContext context, IEnumerable<(string? Event, string Data)> events, TimeSpan delay, int? dropAfter, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(cancellationToken);
        var sent = 0;
        foreach (var (name, data) in events)
        {
            if (dropAfter is { } limit && sent >= limit)
            {
                // The events sent must reach the client before the reset, which would otherwise discard them unread.
                await context.Response.Body.FlushAsync(cancellationToken);
                await Task.Delay(DropGrace, CancellationToken.None);
                context.Abort();
                return;
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            var text = (name is null ? string.Empty : $"event: {name}\n") + $"data: {data}\n\n";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            sent++;
        }
    }
}
