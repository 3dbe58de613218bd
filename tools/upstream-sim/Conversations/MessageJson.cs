using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Conversations;

/// <summary>Writes a <see cref="StoredMessage"/> in the backend's message shape.</summary>
internal static class MessageJson
{
    public static JsonObject Build(StoredMessage message) => new()
    {
        ["id"] = message.Id,
        ["author"] = new JsonObject { ["role"] = message.Role, ["name"] = null, ["metadata"] = new JsonObject() },
        ["create_time"] = message.CreateTime,
        ["update_time"] = null,
        ["content"] = message.Content.DeepClone(),
        ["status"] = message.Status,
        ["end_turn"] = message.EndTurn,
        ["weight"] = message.Weight,
        ["metadata"] = message.Metadata.DeepClone(),
        ["recipient"] = "all",
        ["channel"] = null,
    };

    /// <summary>A stream envelope: <c>{message, conversation_id, error:null}</c> (+ <c>error_code</c> in "v1").</summary>
    public static JsonObject Envelope(StoredMessage message, string conversationId, bool withErrorCode)
    {
        var envelope = new JsonObject
        {
            ["message"] = Build(message),
            ["conversation_id"] = conversationId,
            ["error"] = null,
        };
        if (withErrorCode)
        {
            envelope["error_code"] = null;
        }

        return envelope;
    }
}
