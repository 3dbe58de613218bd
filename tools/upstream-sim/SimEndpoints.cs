namespace MirrorGate.UpstreamSim;

/// <summary>Names <see cref="UpstreamSimulator.CallCount"/> counts calls under.</summary>
public static class SimEndpoints
{
    public const string OAuthToken = "oauth/token";
    public const string AuthSession = "auth/session";
    public const string AccountsCheck = "accounts/check";
    public const string Me = "me";
    public const string Models = "models";
    public const string ConversationInit = "conversation/init";
    public const string ChatRequirements = "sentinel/chat-requirements";
    public const string ChatRequirementsPrepare = "sentinel/chat-requirements/prepare";
    public const string ChatRequirementsFinalize = "sentinel/chat-requirements/finalize";
    public const string ConversationPrepare = "f/conversation/prepare";
    public const string FConversation = "f/conversation";
    public const string Conversation = "conversation";
    public const string ConversationGet = "conversation/get";
    public const string FileCreate = "files";
    public const string FileUploaded = "files/uploaded";
    public const string FileGet = "files/get";
    public const string FileDownload = "files/download";
}
