using System.Text.Encodings.Web;
using MirrorGate.Silo.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Console;

/// <summary>
/// The console session as an ASP.NET authentication scheme, for pages guarded by authorization rather than by an
/// endpoint filter (the Orleans dashboard). <see cref="DashboardPolicy"/> admits the admin password (Bearer or Basic,
/// <see cref="AdminAuthentication"/>) or a console session: both roles read, only admin changes, with the CSRF token.
/// </summary>
public static class ConsoleAuthentication
{
    public const string Scheme = ConsoleGate.AuthenticationType;
    public const string DashboardPolicy = "MirrorGateAdminOrConsole";

    public static IServiceCollection AddConsoleAuthentication(this IServiceCollection services)
    {
        services.AddAuthenticationSchemes().AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, _ => { });
        services.AddAuthorizationBuilder().AddPolicy(DashboardPolicy, policy => policy
            .AddAuthenticationSchemes(AdminAuthentication.Scheme, Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => Allows(context)));
        return services;
    }

    private static bool Allows(AuthorizationHandlerContext context)
    {
        if (context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AdminAuthentication.Scheme))
        {
            return true;
        }

        // The console session is held to the same rule as on the admin APIs (ConsoleGate.Check), not to one of its own.
        if (context.Resource is not HttpContext http)
        {
            return false;
        }

        var gate = http.RequestServices.GetRequiredService<ConsoleGate>();
        return gate.SessionOf(http) is { } session && gate.Check(http, session).Kind is ConsoleAccessKind.Allowed;
    }

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ConsoleGate gate)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!gate.HasCookie(Context))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            return Task.FromResult(gate.SessionOf(Context) is { } session
                ? AuthenticateResult.Success(new AuthenticationTicket(ConsoleGate.Principal(session), ConsoleAuthentication.Scheme))
                : AuthenticateResult.Fail("The console session has expired or is invalid."));
        }
    }
}
