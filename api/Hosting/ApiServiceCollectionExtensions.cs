using MirrorGate.Api.Auth;
using MirrorGate.Api.BackendApi;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;
using MirrorGate.Grains.Hosting;
using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Upstream.ChatGpt;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Hosting;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The whole node: the silo (grain runtime and providers), the grains, the ChatGPT upstream
    /// client, and the front end's services.
    /// </summary>
    public static IHostApplicationBuilder AddMirrorGate(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSilo(builder.Configuration);
        services.AddMirrorGateGrains(builder.Configuration);
        services.AddChatGptUpstream(builder.Configuration);

        services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .Validate(o => o.MaxRequestBodyBytes > 0, "Gateway:MaxRequestBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<GatewayOptions>, GatewayOptionsSetup>();

        services.AddSingleton<JsonBodyReader>();
        services.AddSingleton<BearerResolver>();
        services.AddSingleton<CallerLogScope>();
        services.AddSingleton<ConversationDispatcher>();
        services.AddSingleton<ChatTurns>();
        services.AddSingleton<ChatGptRequestBuilder>();
        services.AddSingleton<ChatCompletionsHandler>();
        services.AddSingleton<ConversationPassthrough>();
        return builder;
    }
}
