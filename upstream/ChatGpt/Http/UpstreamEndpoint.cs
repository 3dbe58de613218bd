namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>A backend path below <c>/backend-api</c> or <c>/backend-anon</c>, and whether the anonymous prefix serves it.</summary>
internal static class UpstreamEndpoint
{
    public const string AccountsCheck = "/accounts/check/v4-2023-04-27";
    public const string Models = "/models";
    public const string SentinelLegacy = "/sentinel/chat-requirements";
    public const string SentinelPrepare = "/sentinel/chat-requirements/prepare";
    public const string SentinelFinalize = "/sentinel/chat-requirements/finalize";
    public const string ConduitPrepare = "/f/conversation/prepare";
    public const string ConversationNewest = "/f/conversation";
    public const string ConversationLegacy = "/conversation";

    /// <summary>One conversation's read path; the id is escaped, as it comes from an operator's import.</summary>
    public static string Conversation(string conversationId) => "/conversation/" + Uri.EscapeDataString(conversationId);

    public const string LoggedInPrefix = "/backend-api";
    public const string AnonymousPrefix = "/backend-anon";

    public const string Session = "/api/auth/session";
    public const string OAuthToken = "/oauth/token";
}
