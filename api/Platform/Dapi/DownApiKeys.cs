using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MirrorGate.GrainInterfaces.Dapi;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Rbac;
using MirrorGate.Grains.Secrets;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Platform.Dapi;

/// <summary>
/// Downstream apps and their API keys. An app gets a secret key (32 letters and digits, so its ISO-8859-1 bytes are
/// exactly the Deerer cipher's 32-byte key) and an API key (32 lowercase hex digits, like the original's uuid). Both
/// are kept encrypted by the app's grain; the API key is found by its keyed lookup hash. A key works as
/// <c>Authorization: Bearer &lt;key&gt;</c> and inside a <c>Deerer</c> value, from an allowed address only.
/// </summary>
public sealed partial class DownApiKeys(
    IGrainFactory grains,
    SecretProtector protector,
    IOptionsMonitor<DapiOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<DownApiKeys> logger)
{
    private const string Separator = "-:-";
    private const string Alphanumerics = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public async Task<DownApp> ApplyAsync(PlatformCaller caller, string name, string? description, ImmutableArray<string> allowedIps)
    {
        var apiKey = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var app = new DownApp(
            PlatformIds.New(), name, description, new Secret(RandomNumberGenerator.GetString(Alphanumerics, 32)), allowedIps,
            caller.OrgId, caller.UserId, PlatformIds.New(), new Secret(apiKey), time.GetUtcNow(), ExpiresAt: null);

        // The app first, then the key that points at it, then the owner's list: a failure in between leaves no key
        // without its app, only an app its owner does not see listed.
        if (!await grains.GetGrain<IDownAppGrain>(app.Id).CreateAsync(app))
        {
            throw new InvalidOperationException("A fresh app id was in use already.");
        }

        await grains.GetGrain<IDownApiKeyGrain>(protector.LookupHash(apiKey))
            .BindAsync(new DownApiKeyBinding(app.Id, app.ApiKeyId, caller.UserId, caller.OrgId, caller.Username, allowedIps, app.ExpiresAt));
        await grains.GetGrain<IDownAppListGrain>(caller.UserId).AddAsync(new DownAppEntry(app.Id, app.Name, app.ApiKeyId, app.CreatedAt));
        LogApplied(logger, app.Id, caller.UserId, allowedIps.Length);
        return app;
    }

    /// <summary>The caller's own app; null when there is none of that id, or it is another user's.</summary>
    public async Task<DownApp?> GetOwnAsync(PlatformCaller caller, string id) =>
        await grains.GetGrain<IDownAppGrain>(id).GetAsync() is { } app && app.UserId == caller.UserId && app.OrgId == caller.OrgId ? app : null;

    public Task<IReadOnlyList<DownAppEntry>> ListAsync(PlatformCaller caller) => grains.GetGrain<IDownAppListGrain>(caller.UserId).ListAsync();

    /// <summary>Only values of an issued key's shape are looked up, so other bearer values cost no grain call.</summary>
    public static bool LooksLikeApiKey(string value) => value.Length == 32 && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary><c>Authorization: Bearer &lt;apikey&gt;</c>.</summary>
    public async ValueTask<PlatformCaller?> ResolveBearerAsync(string apiKey, IPAddress? address) =>
        await BindingAsync(apiKey, address, appId: null) is { } binding ? new PlatformCaller(binding.UserId, binding.OrgId, binding.Username) : null;

    /// <summary><c>Authorization: Deerer {appid}-:-{cyber}</c> (research D.3), with the optional replay window of <see cref="DapiOptions.DeererWindow"/>.</summary>
    public async ValueTask<PlatformCaller?> ResolveDeererAsync(string value, IPAddress? address)
    {
        var separator = value.IndexOf(Separator, StringComparison.Ordinal);
        if (separator <= 0)
        {
            return Refuse("the Deerer value is not {appid}-:-{cyber}", null);
        }

        var appId = value[..separator].Trim();
        if (await grains.GetGrain<IDownAppGrain>(appId).GetAsync() is not { } app)
        {
            return Refuse("unknown app", appId);
        }

        var plain = DeererCipher.Decrypt(app.SecretKey.Value, value[(separator + Separator.Length)..].Trim());
        var colon = plain?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (plain is null || colon <= 0)
        {
            return Refuse("the signature does not decrypt under the app's secret key", appId);
        }

        if (options.CurrentValue.DeererWindow is { } window)
        {
            if (!double.TryParse(plain[..colon], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || double.IsNaN(seconds)
                || Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - seconds) > window.TotalSeconds)
            {
                return Refuse("the signed time is outside the replay window", appId);
            }
        }

        return await BindingAsync(plain[(colon + 1)..], address, appId) is { } binding ? new PlatformCaller(binding.UserId, binding.OrgId, binding.Username) : null;
    }

    private async ValueTask<DownApiKeyBinding?> BindingAsync(string apiKey, IPAddress? address, string? appId)
    {
        if (!LooksLikeApiKey(apiKey))
        {
            Refuse("not an API key of this gateway", appId);
            return null;
        }

        var binding = await grains.GetGrain<IDownApiKeyGrain>(protector.LookupHash(apiKey)).GetAsync();
        if (binding is null || (appId is not null && binding.AppId != appId))
        {
            Refuse(binding is null ? "unknown API key" : "the API key is another app's", appId);
            return null;
        }

        if (binding.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            Refuse("the API key expired", binding.AppId);
            return null;
        }

        if (!ClientAddress.IsAllowed(address, binding.AllowedIps))
        {
            LogAddressRefused(logger, binding.AppId, address?.ToString() ?? "unknown");
            return null;
        }

        return binding;
    }

    private PlatformCaller? Refuse(string reason, string? appId)
    {
        LogRefused(logger, reason, appId ?? "-");
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} with its API key created for user {UserId} ({AllowedIpCount} allowed addresses)")]
    private static partial void LogApplied(ILogger logger, string appId, string userId, int allowedIpCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform API key refused: {Reason} (app {AppId})")]
    private static partial void LogRefused(ILogger logger, string reason, string appId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform API key of app {AppId} refused from address {Address}: not in the app's allow-list")]
    private static partial void LogAddressRefused(ILogger logger, string appId, string address);
}
