using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Hosting;

/// <summary>
/// Applies the seed systems' flat environment variables over the <c>Gateway</c> section, so a
/// deployment written for chatgpt-gateway or Aurora configures MirrorGate unchanged. Booleans parse
/// like Go's <c>strconv.ParseBool</c> (<c>1/t/true/0/f/false</c>); an unparsable value keeps the default.
/// </summary>
internal sealed class GatewayApiOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<GatewayApiOptions>
{
    public void PostConfigure(string? name, GatewayApiOptions options)
    {
        options.AdminPassword = Text("ADMIN_PASSWORD") ?? options.AdminPassword;
        options.ServiceKey = Text("Authorization") ?? Text("AUTHORIZATION") ?? options.ServiceKey;
        options.StreamMode = Flag("STREAM_MODE") ?? options.StreamMode;
        options.ApiHatd = Flag("API_HATD") ?? options.ApiHatd;
        options.WebHatd = Flag("WEB_HATD") ?? options.WebHatd;
        options.EnableMirrorApi = Flag("ENABLE_MIRROR_API") ?? options.EnableMirrorApi;
        options.MirrorApiPrefix = (Text("MIRROR_API_PREFIX") ?? options.MirrorApiPrefix)?.Trim('/');
    }

    private string? Text(string key) => configuration[key] is { Length: > 0 } value ? value : null;

    private bool? Flag(string key) => Text(key)?.Trim().ToLowerInvariant() switch
    {
        "1" or "t" or "true" => true,
        "0" or "f" or "false" => false,
        _ => null,
    };
}
