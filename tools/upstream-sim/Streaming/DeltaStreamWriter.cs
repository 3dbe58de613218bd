using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Conversations;

namespace MirrorGate.UpstreamSim.Streaming;

/// <summary>The "v1" delta-encoded stream, event for event as in research §3.8 (CAP1): documents with a
/// <c>c</c> counter (0 system, 1 user echo, 2 assistant), text as <c>append</c> patches of which only the
/// first names its path and op (later ones are bare <c>{"v":…}</c> and reuse them), the last text piece
/// inside the closing <c>patch</c> list that also finishes the message, then the typed side events.</summary>
internal static class DeltaStreamWriter
{
    private const string TextPath = "/message/content/parts/0";

    /// <summary>Writes the stream; false when it stopped early because the settings drop it.</summary>
    public static async Task<bool> WriteAsync(SseWriter sse, TurnPlan plan, Caller caller, StreamSettings settings, string? resumeToken, CancellationToken cancellationToken)
    {
        var cid = plan.ConversationId;
        var assistant = plan.Assistant;
        await sse.WriteAsync("delta_encoding", "\"v1\"");
        if (resumeToken is not null)
        {
            await sse.DataAsync(new JsonObject { ["type"] = "resume_conversation_token", ["kind"] = "conduit", ["token"] = resumeToken, ["conversation_id"] = cid });
        }

        await sse.EventAsync("delta", new JsonObject { ["p"] = "", ["o"] = "add", ["v"] = MessageJson.Envelope(plan.Tree.SystemMessage, cid, true), ["c"] = 0 });
        await sse.EventAsync("delta", new JsonObject { ["v"] = MessageJson.Envelope(plan.Echo, cid, true), ["c"] = 1 });
        await sse.DataAsync(new JsonObject { ["type"] = "input_message", ["input_message"] = MessageJson.Build(plan.Echo), ["conversation_id"] = cid });
        if (plan.ToolInStream)
        {
            // The tool result is a document of its own, before the closing assistant text (research §6.2: c 2 in CAP2).
            await sse.EventAsync("delta", new JsonObject { ["v"] = MessageJson.Envelope(plan.Tool!, cid, true), ["c"] = 2 });
        }

        await sse.EventAsync("delta", new JsonObject { ["v"] = MessageJson.Envelope(StreamMessages.InProgress(assistant, ""), cid, true), ["c"] = plan.ToolInStream ? 3 : 2 });
        await sse.DataAsync(new JsonObject
        {
            ["type"] = "message_marker", ["conversation_id"] = cid, ["message_id"] = assistant.Id,
            ["marker"] = "user_visible_token", ["event"] = "first",
        });

        var chunks = settings.Chunks;
        for (var i = 0; i < chunks.Count; i++)
        {
            if (settings.DropsBefore(i))
            {
                return false;
            }

            await settings.WaitAsync(cancellationToken);
            var patch = i == 0 ? new JsonObject { ["p"] = TextPath, ["o"] = "append", ["v"] = chunks[i] }
                : i < chunks.Count - 1 ? new JsonObject { ["v"] = chunks[i] }
                : Finish(plan, chunks[i]);
            await sse.EventAsync("delta", patch);
        }

        if (settings.DropsBefore(chunks.Count))
        {
            return false;
        }

        if (chunks.Count <= 1)
        {
            await sse.EventAsync("delta", Finish(plan, null));
        }

        await sse.DataAsync(new JsonObject
        {
            ["type"] = "server_ste_metadata",
            ["metadata"] = new JsonObject
            {
                ["plan_type"] = caller.PlanType, ["model_slug"] = plan.ModelSlug,
                ["turn_exchange_id"] = assistant.Metadata["turn_exchange_id"]?.DeepClone(),
                ["is_first_turn"] = plan.IsNew, ["message_id"] = assistant.Id,
            },
            ["conversation_id"] = cid,
        });
        await sse.DataAsync(new JsonObject { ["type"] = "message_stream_complete", ["conversation_id"] = cid });
        if (plan.IsNew && plan.Persist)
        {
            await sse.DataAsync(new JsonObject { ["type"] = "title_generation", ["title"] = plan.Title, ["conversation_id"] = cid });
        }

        await sse.DoneAsync();
        return true;
    }

    /// <summary>The closing <c>patch</c>: last text (if any), status, end_turn, finish_details merged into metadata.</summary>
    private static JsonObject Finish(TurnPlan plan, string? lastText)
    {
        var operations = new JsonArray();
        if (lastText is not null)
        {
            operations.Add(new JsonObject { ["p"] = TextPath, ["o"] = "append", ["v"] = lastText });
        }

        operations.Add(new JsonObject { ["p"] = "/message/status", ["o"] = "replace", ["v"] = "finished_successfully" });
        operations.Add(new JsonObject { ["p"] = "/message/end_turn", ["o"] = "replace", ["v"] = true });
        operations.Add(new JsonObject
        {
            ["p"] = "/message/metadata",
            ["o"] = "append",
            ["v"] = new JsonObject
            {
                ["finish_details"] = plan.Assistant.Metadata["finish_details"]?.DeepClone(),
                ["is_complete"] = true,
            },
        });
        return new JsonObject { ["p"] = "", ["o"] = "patch", ["v"] = operations };
    }
}
