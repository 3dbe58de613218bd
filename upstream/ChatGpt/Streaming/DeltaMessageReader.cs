using System.Text;
using MirrorGate.Upstream.ChatGpt.Streaming.Delta;

namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>Reads a <see cref="MessageSnapshot"/> from the <c>message</c> of the current "v1" document.</summary>
internal static class DeltaMessageReader
{
    public static MessageSnapshot Read(DeltaObject message)
    {
        var content = message.GetObject("content");
        var snapshot = new MessageSnapshot
        {
            Id = message.GetString("id"),
            Role = message.GetObject("author")?.GetString("role"),
            Recipient = message.GetString("recipient"),
            Channel = message.GetString("channel"),
            ContentType = content?.GetString("content_type"),
            Status = message.GetString("status"),
            EndTurn = message.GetBoolean("end_turn"),
            FinishType = message.GetObject("metadata")?.GetObject("finish_details")?.GetString("type"),
        };

        if (!snapshot.IsVisibleAssistant || snapshot.ContentType != "text" || content?.Get("parts") is not DeltaArray parts)
        {
            return snapshot;
        }

        if (parts.Items.Count == 1)
        {
            return snapshot with { TextNode = parts.Items[0] as DeltaText };
        }

        var text = new StringBuilder();
        foreach (var part in parts.Items)
        {
            if (part is DeltaText partText)
            {
                text.Append(partText.Value);
            }
        }

        return snapshot with { Text = text.ToString() };
    }
}
