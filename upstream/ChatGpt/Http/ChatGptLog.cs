using Microsoft.Extensions.Logging;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>Log events of the upstream client. They name the account by its log id and never carry a token.</summary>
internal static partial class ChatGptLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Upstream {LogId} {Method} {Endpoint} answered {Status} in {ElapsedMs:F1} ms")]
    public static partial void CallSucceeded(ILogger logger, string logId, string method, string endpoint, int status, double elapsedMs);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Upstream {LogId} {Method} {Endpoint} failed with {Status} ({Kind}, {Code}) in {ElapsedMs:F1} ms")]
    public static partial void CallFailed(ILogger logger, string logId, string method, string endpoint, int status, UpstreamFailureKind kind, string? code, double elapsedMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Upstream {LogId} {Method} {Endpoint} got no response after {ElapsedMs:F1} ms: {Reason}")]
    public static partial void CallUnanswered(ILogger logger, string logId, string method, string endpoint, double elapsedMs, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Upstream {LogId} {Endpoint} answered {Status} with a body that could not be read: {Reason}")]
    public static partial void ProtocolError(ILogger logger, string logId, string endpoint, int status, string reason);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Debug, Message = "Upstream {LogId} proof of work ({Hash}, difficulty {Difficulty}) solved in {Iterations} tries, {ElapsedMs:F1} ms")]
    public static partial void ProofSolved(ILogger logger, string logId, string hash, string difficulty, int iterations, double elapsedMs);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning, Message = "Upstream {LogId} proof of work ({Hash}, difficulty {Difficulty}) unsolved after {Iterations} tries; sending the fallback token")]
    public static partial void ProofUnsolved(ILogger logger, string logId, string hash, string difficulty, int iterations);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Debug, Message = "Upstream {LogId} sentinel asks for {Challenge}, which the client does not solve; going on without it")]
    public static partial void ChallengeSkipped(ILogger logger, string logId, string challenge);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Debug, Message = "Upstream {LogId} stream {Endpoint} completed ({Encoding}) in {ElapsedMs:F1} ms")]
    public static partial void StreamCompleted(ILogger logger, string logId, string endpoint, string encoding, double elapsedMs);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "Upstream {LogId} stream {Endpoint} broke after {ElapsedMs:F1} ms: {Reason}")]
    public static partial void StreamBroken(ILogger logger, string logId, string endpoint, double elapsedMs, string reason);
}
