using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Upstream.Vidu;

public static class ViduServiceCollectionExtensions
{
    /// <summary>Binds <see cref="ViduOptions"/> and registers <see cref="ViduClient"/>; used by silos (the task grains) and front ends (callback checks).</summary>
    public static IServiceCollection AddViduUpstream(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ViduOptions>().Bind(configuration.GetSection(ViduOptions.SectionName))
            .Validate(o => o.BaseUrl.IsAbsoluteUri && o.RequestTimeout > TimeSpan.Zero && o.CallbackClockSkew > TimeSpan.Zero,
                "Vidu:BaseUrl must be absolute, and Vidu:RequestTimeout and Vidu:CallbackClockSkew positive.")
            .ValidateOnStart();
        services.AddHttpClient<ViduClient>();
        return services;
    }
}
