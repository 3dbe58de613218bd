using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MirrorGate.Silo.Hosting;

/// <summary>
/// Authentication without data protection. <c>AddAuthentication()</c> also adds ASP.NET's data protection, whose hosted
/// service loads (and on first start creates and writes) an XML key ring: the XML stack stays mapped and jitted for
/// the life of the node. None of the gateway's schemes issues a cookie ticket or a protected payload (the console
/// session and the admin password are checked by their own handlers), so only the scheme machinery is added.
/// </summary>
public static class AuthenticationSchemes
{
    public static AuthenticationBuilder AddAuthenticationSchemes(this IServiceCollection services)
    {
        services.AddAuthenticationCore();
        services.AddWebEncoders();
        services.TryAddSingleton(TimeProvider.System);
        return new AuthenticationBuilder(services);
    }
}
