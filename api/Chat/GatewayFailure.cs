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

    public static GatewayFailure AccountUnreachable(string accountId) =>
        new(StatusCodes.Status503ServiceUnavailable, "cluster_unavailable", $"Account {accountId} lives on a node that cannot be reached right now.");

    /// <summary>
    /// Failures of the cluster rather than of the request: a silo that died or is restarting (until membership
    /// sees it), a call that timed out, the shared store away. Worth trying another account for; a 503 otherwise.
    /// </summary>
    public static bool IsClusterFailure(Exception exception) => exception is
        OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException or TimeoutException
        or MirrorGate.GrainInterfaces.Errors.StorageUnavailableException;

    public static GatewayFailure ConversationNotFound(string conversationId) =>
        new(StatusCodes.Status404NotFound, "conversation_not_found", $"Conversation '{conversationId}' was not found for this token.");
}
