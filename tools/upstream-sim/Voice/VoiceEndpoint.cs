using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Http;
using MirrorGate.UpstreamSim.Speech;

namespace MirrorGate.UpstreamSim.Voice;

/// <summary>
/// <c>POST /voice/get_token</c> on the chatgpt.com host (dairoot/chatgpt-livekit <c>main.py</c>, research Seed C): a
/// logged-in caller's voice session as <c>{url, token, e2ee_key}</c>. The request fields are the ones that script sends;
/// the answer's exact <c>url</c> is not captured: this simulator names <c>wss://webrtc.chatgpt.com</c>, the host the gateway
/// is documented to swap for <c>VOICE_PROXY_URL</c>. The token is random, not a LiveKit grant.
/// </summary>
internal sealed class VoiceEndpoint(CallerResolver callers, ILogger<VoiceEndpoint> logger)
{
    public const string GetToken = "voice/get_token";
    public const string WebRtcUrl = "wss://webrtc.chatgpt.com";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/voice/get_token", (HttpContext c, VoiceEndpoint e) => e.HandleAsync(c));

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var (caller, error) = callers.Resolve(context, GetToken, anonymous: false);
        if (caller is null)
        {
            return error!;
        }

        var body = await SimJson.ReadAsync(context.Request, context.RequestAborted);
        var voice = SimJson.String(body, "voice");
        if (body is not JsonObject || voice is null || !SpeechFormats.Voices.Contains(voice) || SimJson.String(body, "voice_session_id") is not { Length: > 0 })
        {
            SimLog.Rejected(logger, GetToken, "body");
            return SimJson.Result(new JsonObject { ["detail"] = "Invalid voice request" }, StatusCodes.Status400BadRequest);
        }

        return SimJson.Result(new JsonObject
        {
            ["url"] = WebRtcUrl,
            ["token"] = "lk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(),
            ["e2ee_key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
    }
}
