using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>One message of a conversation POST's <c>messages</c>.</summary>
/// <param name="Id">Client-chosen id, if any.</param>
/// <param name="Role">author.role.</param>
/// <param name="Text">String parts concatenated (non-string parts such as image pointers are skipped).</param>
/// <param name="Content">The <c>content</c> object as sent, echoed back unchanged.</param>
/// <param name="FileIds">Files the message refers to: <c>metadata.attachments[].id</c> and the ids of <c>image_asset_pointer</c> parts.</param>
internal sealed record IncomingMessage(string? Id, string Role, string Text, JsonObject Content, IReadOnlyList<string>? FileIds = null);
