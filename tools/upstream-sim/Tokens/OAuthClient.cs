namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>The public iOS client the refresh grant is made for (research §1.2).</summary>
internal static class OAuthClient
{
    public const string ClientId = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh";
    public const string RedirectUri = "com.openai.chat://auth.openai.com/ios/com.openai.chat/callback";
    public const string Scope = "openid profile email offline_access";
}
