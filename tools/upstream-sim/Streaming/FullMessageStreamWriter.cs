using MirrorGate.UpstreamSim.Conversations;

namespace MirrorGate.UpstreamSim.Streaming;

/// <summary>The legacy full-message stream (research §3.7): every event carries the whole message so far
/// (cumulative text); the last one is finished with <c>end_turn</c> and <c>finish_details</c>.</summary>
internal static class FullMessageStreamWriter
{
    /// <summary>Writes the stream; false when it stopped early because the settings drop it.</summary>
    public static async Task<bool> WriteAsync(SseWriter sse, TurnPlan plan, StreamSettings settings, CancellationToken cancellationToken)
    {
        var cid = plan.ConversationId;
        await sse.DataAsync(MessageJson.Envelope(plan.Echo, cid, withErrorCode: false));
        if (plan.ToolInStream)
        {
            await sse.DataAsync(MessageJson.Envelope(plan.Tool!, cid, withErrorCode: false));
        }

        var text = "";
        var chunks = settings.Chunks;
        for (var i = 0; i < chunks.Count; i++)
        {
            if (settings.DropsBefore(i))
            {
                return false;
            }

            await settings.WaitAsync(cancellationToken);
            text += chunks[i];
            await sse.DataAsync(MessageJson.Envelope(StreamMessages.InProgress(plan.Assistant, text), cid, withErrorCode: false));
        }

        if (settings.DropsBefore(chunks.Count))
        {
            return false;
        }

        await sse.DataAsync(MessageJson.Envelope(plan.Assistant, cid, withErrorCode: false));
        await sse.DoneAsync();
        return true;
    }
}
