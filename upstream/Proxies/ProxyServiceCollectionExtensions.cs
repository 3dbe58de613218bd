using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MirrorGate.Upstream.Proxies;

/// <summary>Registers the proxy pool, its health monitor and its checker (docs/proxies.md).</summary>
public static class ProxyServiceCollectionExtensions
{
    /// <summary>Binds <see cref="ProxyOptions"/> (section <c>Proxies</c>, plus <c>PROXY_URL_POOL</c> / <c>PROXY_URL</c>); a bad entry refuses start.</summary>
    public static IServiceCollection AddProxyPool(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ProxyOptions>>(new ProxyOptionsSetup(configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>());
        services.TryAddSingleton<ProxyPool>();
        services.TryAddSingleton<ProxyChecker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ProxyHealthMonitor>());
        return services;
    }
}
