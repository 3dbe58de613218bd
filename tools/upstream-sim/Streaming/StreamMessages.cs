using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Conversations;

namespace MirrorGate.UpstreamSim.Streaming;

/// <summary>The in-flight forms of the assistant message that both stream formats show.</summary>
internal static class StreamMessages
{
    /// <summary>The assistant message while it is being written: <paramref name="text"/> so far,
    /// <c>in_progress</c>, no <c>end_turn</c>, no <c>finish_details</c>.</summary>
    public static StoredMessage InProgress(StoredMessage finished, string text)
    {
        var metadata = (JsonObject)finished.Metadata.DeepClone();
        metadata.Remove("finish_details");
        metadata.Remove("is_complete");
        return finished with
        {
            Content = StoredMessage.TextContent(text),
            Status = "in_progress",
            EndTurn = null,
            Metadata = metadata,
        };
    }
}
