using MirrorGate.Api.Admin;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Api.Pool;
using MirrorGate.Api.Speech;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Voice;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Voice;

/// <summary>
/// chatgpt-gateway's <c>GET /api/livekit</c>: a voice session (<c>{url, token, e2ee_key}</c>) through the upstream's
/// <c>voice/get_token</c>, with the WebRTC host replaced by <c>VOICE_PROXY_URL</c> when set. It belongs to the mirror
/// API, not the admin set: the same bearers as <c>/v1</c>, turned off by <c>ENABLE_MIRROR_API=false</c>, and moved to
/// <c>/{MIRROR_API_PREFIX}/api/livekit</c> by the prefix (research Seed C.4). Errors are <c>{"message"}</c>, the shape of
/// its <c>/api</c> neighbours. Optional query: <c>voice</c> (OpenAI or ChatGPT name, as speech maps them), <c>language</c>.
/// A pool caller gets a session on an account the pool picks for model <c>auto</c>; a device id gets 403.
/// </summary>
public static class VoiceApi
{
    public static IEndpointRouteBuilder MapVoiceApi(this IEndpointRouteBuilder routes)
    {
        var prefix = routes.ServiceProvider.GetRequiredService<IOptions<GatewayApiOptions>>().Value.MirrorApiPrefix;
        routes.MapGet(string.IsNullOrEmpty(prefix) ? "/api/livekit" : $"/{prefix}/api/livekit", LivekitAsync).InFamily(ApiFamily.Admin);
        return routes;
    }

    private static async Task<IResult> LivekitAsync(
        HttpContext context,
        BearerResolver bearer,
        IOptionsMonitor<GatewayApiOptions> gateway,
        IOptionsMonitor<VoiceOptions> options,
        AccountPool pool,
        CredentialCache credentials,
        ModelCatalog models,
        IGrainFactory grains,
        IChatGptVoice voice)
    {
        if (!gateway.CurrentValue.EnableMirrorApi)
        {
            return AdminResults.Error(StatusCodes.Status403Forbidden, "The mirror API is turned off on this gateway (ENABLE_MIRROR_API=false).");
        }

        var resolution = await bearer.ResolveAsync(context.Request);
        if (resolution.Caller is not { } caller)
        {
            return AdminResults.Error(resolution.Status, resolution.Error!);
        }

        if (caller.Credential is { IsAnonymous: true })
        {
            return AdminResults.Error(StatusCodes.Status403Forbidden, "Voice needs a logged-in ChatGPT account; free (device id) accounts cannot use it.");
        }

        AccountSlot? slot = null;
        try
        {
            var credential = caller.Credential;
            if (credential is null)
            {
                var accountId = caller.AccountId;
                if (accountId is null && models.TryGet("auto", out var auto))
                {
                    slot = pool.Pick(auto, new HashSet<string>(), caller.PreferredPlan).Slot;
                    accountId = slot?.AccountId;
                }

                if (accountId is null)
                {
                    return AdminResults.Error(StatusCodes.Status503ServiceUnavailable, "No upstream account can open a voice session right now.");
                }

                credential = await CredentialAsync(grains, credentials, accountId);
                if (credential is null)
                {
                    return AdminResults.Error(StatusCodes.Status503ServiceUnavailable, "The account has no usable token right now.");
                }
            }

            var settings = options.CurrentValue;
            var query = context.Request.Query;
            var language = query["language"].ToString() is { Length: > 0 } asked ? asked : settings.Language;
            var session = await voice.GetSessionAsync(credential, SpeechVoices.ToChatGpt(query["voice"].ToString()), language, context.RequestAborted);
            if (!session.IsSuccess)
            {
                var failure = session.Failure;
                return AdminResults.Error(failure.Kind switch
                {
                    UpstreamFailureKind.Unauthorized when caller.Kind is not (CallerKind.Direct or CallerKind.Account) => StatusCodes.Status503ServiceUnavailable,
                    UpstreamFailureKind.Network or UpstreamFailureKind.Protocol => StatusCodes.Status502BadGateway,
                    _ => failure.StatusCode is >= 400 and <= 599 ? failure.StatusCode.Value : StatusCodes.Status502BadGateway,
                }, failure.Message);
            }

            var value = session.Value;
            return Results.Json(new Dictionary<string, object?>
            {
                ["url"] = WithProxyHost(value.Url, settings.ProxyAuthority),
                ["token"] = value.Token,
                ["e2ee_key"] = value.E2eeKey,
            });
        }
        finally
        {
            slot?.Dispose();
        }
    }

    /// <summary>The session URL with its host replaced, scheme and path kept; unchanged without a proxy or when it is no URL.</summary>
    public static string WithProxyHost(string url, string? authority) =>
        authority is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? url
            : $"{uri.Scheme}://{authority}{(uri.PathAndQuery == "/" && !url.EndsWith('/') ? string.Empty : uri.PathAndQuery)}";

    private static async Task<UpstreamCredential?> CredentialAsync(IGrainFactory grains, CredentialCache credentials, string accountId)
    {
        if (!credentials.TryGet(accountId, out var credential))
        {
            var result = await grains.GetGrain<IAccountGrain>(accountId).GetCredentialAsync();
            credentials.Remember(accountId, result);
            if (!result.Succeeded)
            {
                return null;
            }

            credential = result.Credential!;
        }

        return new UpstreamCredential(credential.AccountId, credential.AccessToken.Value, credential.DeviceId, credential.TeamAccountId, credential.ProxyUrl);
    }
}
