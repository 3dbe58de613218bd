using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>A message as the backend keeps and echoes it (research §3.7/§4.2 message object).</summary>
/// <param name="Id">Message id.</param>
/// <param name="Role">author.role.</param>
/// <param name="Text">Text parts concatenated (what <see cref="SimMessage.Text"/> shows).</param>
/// <param name="Content">The <c>content</c> object.</param>
/// <param name="CreateTime">Epoch seconds.</param>
/// <param name="Status">in_progress | finished_successfully.</param>
/// <param name="EndTurn">end_turn (null while streaming).</param>
/// <param name="Weight">weight (0 for the hidden system message).</param>
/// <param name="Metadata">metadata object; cloned whenever it is written out.</param>
/// <param name="Model">Model slug of an assistant message.</param>
internal sealed record StoredMessage(
    string Id,
    string Role,
    string Text,
    JsonObject Content,
    double CreateTime,
    string Status,
    bool? EndTurn,
    double Weight,
    JsonObject Metadata,
    string? Model = null)
{
    public static JsonObject TextContent(string text) =>
        new() { ["content_type"] = "text", ["parts"] = new JsonArray(text) };
}
