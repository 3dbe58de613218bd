using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MirrorGate.Upstream.ChatGpt.Http;
using MirrorGate.Upstream.Proxies;

namespace MirrorGate.Upstream.ChatGpt;

/// <summary>Registers the ChatGPT web upstream client.</summary>
public static class ChatGptServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ChatGptOptions"/> to the <c>ChatGpt</c> section of <paramref name="configuration"/>, and
    /// registers <see cref="IChatGptClient"/> as a singleton (it owns one connection pool per proxy) and
    /// <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already registered.
    /// </summary>
    public static IServiceCollection AddChatGptUpstream(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ChatGptOptions>()
            .Bind(configuration.GetSection(ChatGptOptions.SectionName))
            .Validate(static o => o.ConnectTimeout > TimeSpan.Zero && o.RequestTimeout > TimeSpan.Zero, "ChatGpt timeouts must be positive.")
            .Validate(static o => o.MaxProofOfWorkIterations > 0, "ChatGpt:MaxProofOfWorkIterations must be positive.")
            .Validate(static o => o.BackendBaseUrl.IsAbsoluteUri && o.AuthBaseUrl.IsAbsoluteUri, "ChatGpt base URLs must be absolute.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IUpstreamHttpClients, UpstreamHttpClientPool>();
        services.TryAddSingleton<IChatGptClient, ChatGptClient>();
        services.TryAddSingleton<Speech.IChatGptSpeech, Speech.ChatGptSpeech>();
        services.TryAddSingleton<Voice.IChatGptVoice, Voice.ChatGptVoice>();
        services.TryAddSingleton<Files.IChatGptFiles, Files.ChatGptFiles>();
        services.AddProxyPool(configuration);
        return services;
    }
}
