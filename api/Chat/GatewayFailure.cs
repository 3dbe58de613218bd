namespace MirrorGate.Api.Chat;

/// <summary>
/// Why a turn could not start, in terms every API family can render: an HTTP status, a stable code,
/// a message for people, and when to retry if that is known.
/// </summary>
public sealed record GatewayFailure(int Status, string Code, string Message, TimeSpan? RetryAfter = null)
{
    public static GatewayFailure NoAccount(string model) =>
        new(StatusCodes.Status503ServiceUnavailable, "no_available_account", $"No upstream account can serve model '{model}' right now.");

    public static GatewayFailure CoolingDown(string model, TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, "model_cap_exceeded", $"Every account that serves '{model}' is at its usage cap; try again in {Math.Ceiling(retryAfter.TotalSeconds)} seconds.", retryAfter);

    public static GatewayFailure ConversationNotFound(string conversationId) =>
        new(StatusCodes.Status404NotFound, "conversation_not_found", $"Conversation '{conversationId}' was not found for this token.");
}
