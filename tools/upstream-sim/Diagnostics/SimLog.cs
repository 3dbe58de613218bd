namespace MirrorGate.UpstreamSim.Diagnostics;

/// <summary>Every log line of the simulator. Tokens are never logged: only emails, endpoint names and reasons.</summary>
internal static partial class SimLog
{
    [LoggerMessage(1, LogLevel.Information, "Upstream simulator listening on {Url}")]
    public static partial void Listening(ILogger logger, Uri url);

    [LoggerMessage(2, LogLevel.Information, "Account {Email} logged in (plan {Plan})")]
    public static partial void AccountLoggedIn(ILogger logger, string email, string plan);

    [LoggerMessage(3, LogLevel.Information, "Rejected bearer on {Endpoint}: {Reason}")]
    public static partial void BearerRejected(ILogger logger, string endpoint, string reason);

    [LoggerMessage(4, LogLevel.Information, "Refresh rejected for {Email}: {Code}")]
    public static partial void RefreshRejected(ILogger logger, string? email, string code);

    [LoggerMessage(5, LogLevel.Information, "Session exchange for {Email} found a dead session")]
    public static partial void SessionDead(ILogger logger, string? email);

    [LoggerMessage(6, LogLevel.Information, "{Endpoint} rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, string endpoint, string reason);

    [LoggerMessage(7, LogLevel.Information, "Fault {Kind} applied to {Email}")]
    public static partial void FaultApplied(ILogger logger, SimFaultKind kind, string email);

    [LoggerMessage(8, LogLevel.Information, "Stream of conversation {ConversationId} dropped after {Chunks} text chunks")]
    public static partial void StreamDropped(ILogger logger, string conversationId, int chunks);

    [LoggerMessage(9, LogLevel.Debug, "Stream of conversation {ConversationId} ended by the client")]
    public static partial void StreamCancelled(ILogger logger, string conversationId);
}
