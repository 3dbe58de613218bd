using MirrorGate.Api.Auth;

namespace MirrorGate.Api.Speech;

/// <summary>
/// <c>/v1/audio/speech</c> inside the OpenAI group (its prefix, switch and bearer filter): <c>POST</c> with OpenAI's JSON
/// body, and <c>GET</c> with the query, the method chatgpt-gateway's document names.
/// </summary>
public static class SpeechApi
{
    public static RouteGroupBuilder MapSpeech(this RouteGroupBuilder api)
    {
        api.MapMethods("/audio/speech", [HttpMethods.Post, HttpMethods.Get], (HttpContext context, SpeechHandler handler) =>
            handler.HandleAsync(context, (Caller)context.Items[typeof(Caller)]!));
        return api;
    }
}
