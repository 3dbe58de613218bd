using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.Api.Responses;

/// <summary>
/// Response ids on the ChatGPT web path carry what the upstream needs to find the answer again: its conversation
/// and assistant message. So <c>previous_response_id</c> and <c>GET /v1/responses/{id}</c> need no table of their own;
/// the conversation's grain still decides who may continue or read it and on which account (a forged id names a
/// conversation the caller may not touch, and is refused as not found). The conversation id is no secret: chat
/// completions hand it out as <c>conversation_id</c>.
/// </summary>
public static class ResponseIds
{
    private const string Prefix = "resp_";
    private const char Separator = '/';

    /// <summary>The id of an answer the upstream keeps.</summary>
    public static string ForStored(string conversationId, string messageId) =>
        Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(conversationId + Separator + messageId));

    /// <summary>The id of an answer nobody keeps (a temporary chat, <c>store: false</c>): it cannot be read or continued.</summary>
    public static string ForUnstored() => Prefix + RandomNumberGenerator.GetHexString(48, lowercase: true);

    /// <summary>The output message's item id.</summary>
    public static string MessageItem(string? upstreamMessageId) =>
        "msg_" + (upstreamMessageId is null ? RandomNumberGenerator.GetHexString(48, lowercase: true) : upstreamMessageId.Replace("-", string.Empty, StringComparison.Ordinal));

    /// <summary>Reads a stored answer's conversation and message; false for anything else (unstored, foreign, garbled).</summary>
    public static bool TryRead(string id, out string conversationId, out string messageId)
    {
        conversationId = messageId = string.Empty;
        if (!id.StartsWith(Prefix, StringComparison.Ordinal) || id.Length > 400)
        {
            return false;
        }

        var encoded = id.AsSpan(Prefix.Length);
        var bytes = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (Base64Url.DecodeFromChars(encoded, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done || consumed != encoded.Length)
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var split = text.IndexOf(Separator, StringComparison.Ordinal);
        if (split <= 0 || split == text.Length - 1 || text.Any(char.IsControl))
        {
            return false;
        }

        conversationId = text[..split];
        messageId = text[(split + 1)..];
        return true;
    }
}
