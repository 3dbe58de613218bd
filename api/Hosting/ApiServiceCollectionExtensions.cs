using MirrorGate.Api.Auth;
using MirrorGate.Api.AuthHelpers;
using MirrorGate.Api.BackendApi;
using MirrorGate.Api.Channels;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Console;
using MirrorGate.Api.FreeAccounts;
using MirrorGate.Api.Hooks;
using MirrorGate.Api.Http;
using MirrorGate.Api.Imports;
using MirrorGate.Api.Limits;
using MirrorGate.Api.OpenAi;
using MirrorGate.Api.Platform.Rbac;
using MirrorGate.Api.Pool;
using MirrorGate.Api.Files;
using MirrorGate.Api.Responses;
using MirrorGate.Api.Saas;
using MirrorGate.Api.Speech;
using MirrorGate.Api.TokenFiles;
using MirrorGate.Api.Voice;
using MirrorGate.Grains.Users;
using MirrorGate.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Hosting;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The whole node: a silo (or, with <c>Cluster:Role=FrontEnd</c>, a client of a cluster's silos), the grains'
    /// shared services, the ChatGPT upstream client, this node's pool view, and the front end's services (the
    /// operator's hooks among them).
    /// </summary>
    public static IHostApplicationBuilder AddMirrorGate(this IHostApplicationBuilder builder)
    {
        builder.AddMirrorGateNode();
        var services = builder.Services;
        services.AddOptions<GatewayApiOptions>().Bind(builder.Configuration.GetSection(GatewayApiOptions.SectionName))
            .Validate(o => o.MaxRequestBodyBytes > 0, "Gateway:MaxRequestBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<GatewayApiOptions>, GatewayApiOptionsSetup>();
        services.AddOptions<PoolOptions>().Bind(builder.Configuration.GetSection(PoolOptions.SectionName))
            .Validate(o => o.MaxAttempts >= 1, "Pool:MaxAttempts must be at least 1.")
            .Validate(o => o.SyncInterval > TimeSpan.Zero && o.ReloadInterval > TimeSpan.Zero && o.LoadHintLifetime > TimeSpan.Zero, "Pool intervals must be positive.")
            .ValidateOnStart();
        services.AddConsole(builder.Configuration);
        services.AddOptions<SaasAdminOptions>().Bind(builder.Configuration.GetSection(SaasAdminOptions.SectionName))
            .PostConfigure(o => o.Secret = builder.Configuration[SaasAdminOptions.SecretVariable] is { Length: > 0 } secret ? secret : o.Secret)
            .Validate(o => ActivationCodeRules.Plans.Contains(o.DefaultPlan), "SaasAdmin:DefaultPlan must be free, plus, team or pro.")
            .ValidateOnStart();

        // The pool feed starts after Orleans (registered above), so its first load can reach the grains.
        services.AddSingleton<AccountPool>();
        services.AddSingleton<CredentialCache>();
        services.AddOptions<ChannelOptions>().Bind(builder.Configuration.GetSection(ChannelOptions.SectionName))
            .Validate(o => o.ConnectTimeout > TimeSpan.Zero && o.ResponseTimeout > TimeSpan.Zero, "Channels:ConnectTimeout and Channels:ResponseTimeout must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ChannelPool>();
        services.AddSingleton<ChannelKeyCache>();
        services.AddSingleton<ChannelHttp>();
        services.AddSingleton<Platform.Billing.LlmBilling>();
        services.AddOptions<Platform.Recharge.AlipayOptions>().Bind(builder.Configuration.GetSection(Platform.Recharge.AlipayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Platform.Recharge.AlipayOptions>, Platform.Recharge.AlipayOptionsValidator>();
        services.AddOptions<Platform.Video.VideoOptions>().Bind(builder.Configuration.GetSection(Platform.Video.VideoOptions.SectionName))
            .Validate(o => o.StreamInterval > TimeSpan.Zero && o.CallbackBaseUrl is null or { IsAbsoluteUri: true }, "Video:StreamInterval must be positive and Video:CallbackBaseUrl absolute.")
            .ValidateOnStart();
        services.AddLimitLeases(builder.Configuration);
        services.AddSingleton<ChannelRelay>();
        services.AddSingleton<PoolFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<PoolFeed>());
        services.AddTokenFiles(builder.Configuration);
        services.AddOptions<FreeAccountsOptions>().Bind(builder.Configuration.GetSection(FreeAccountsOptions.SectionName))
            .Validate(o => o.Count > 0 && o.Count <= 100_000 && o.FileCheckInterval > TimeSpan.Zero, "FreeAccounts:Count must be 1 to 100000 and FreeAccounts:FileCheckInterval positive.")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<FreeAccountsOptions>, FreeAccountsOptionsSetup>();
        services.AddSingleton<FreeDevicePool>();

        services.AddSingleton<JsonBodyReader>();
        services.AddSingleton<FieldsReader>();
        services.AddOptions<TokenCacheOptions>().Bind(builder.Configuration.GetSection(TokenCacheOptions.SectionName))
            .Validate(o => o.MaxEntries > 0 && o.TimeToLive >= TimeSpan.Zero, "TokenCache:MaxEntries must be positive and TokenCache:TimeToLive not negative.")
            .ValidateOnStart();
        services.AddSingleton<TokenRecordCache>();
        services.AddSingleton<BearerKeys>();
        services.AddSingleton<BearerResolver>();
        services.AddSingleton<CallerLogScope>();
        services.AddSingleton<ConversationDispatcher>();
        services.AddSingleton<TurnSettlement>();
        services.AddSingleton<ChatTurns>();
        services.AddSingleton<ChatGptRequestBuilder>();
        services.AddSingleton<ChatCompletionsHandler>();
        services.AddSingleton<ResponsesHandler>();
        services.AddSingleton<ResponseReader>();
        services.AddSingleton<ConversationPassthrough>();
        services.AddSingleton<ConversationImporter>();
        services.AddSingleton<SpeechHandler>();
        services.AddFilesAndImages(builder.Configuration);
        services.AddSingleton<PooledTokenGuard>();
        services.AddOptions<VoiceOptions>().Bind(builder.Configuration.GetSection(VoiceOptions.SectionName))
            .Validate(o => string.IsNullOrEmpty(o.ProxyUrl) || o.ProxyAuthority is not null, "VOICE_PROXY_URL (Voice:ProxyUrl) must be a host name or URL.")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<VoiceOptions>, VoiceOptionsSetup>();
        services.AddOperatorHooks(builder.Configuration);
        builder.AddPlatformIdentity();
        return builder;
    }
}
