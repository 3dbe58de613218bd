using MirrorGate.Api.Auth;
using MirrorGate.Api.Console;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Saas;

/// <summary>
/// Guards <c>/adminapi/*</c> with the <c>adminapi</c> header, compared in constant time with the configured secret.
/// Without a secret the API is off rather than open. A request without the header may instead carry a console
/// session (<see cref="ConsoleGate"/>: reads for both roles, changes for admin), which works even when no secret is set.
/// </summary>
internal sealed class SaasAdminFilter(IOptionsMonitor<SaasAdminOptions> options, ConsoleGate console) : IEndpointFilter
{
    public const string HeaderName = "adminapi";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!context.HttpContext.Request.Headers.ContainsKey(HeaderName))
        {
            var access = console.Authorize(context.HttpContext);
            if (access.Kind is ConsoleAccessKind.Allowed)
            {
                return await next(context);
            }

            if (access.Kind is ConsoleAccessKind.Refused)
            {
                return SaasResults.Fail(access.Status, access.Message!);
            }
        }

        var secret = options.CurrentValue.Secret;
        if (string.IsNullOrEmpty(secret))
        {
            return SaasResults.Fail(StatusCodes.Status401Unauthorized, $"The adminapi API is off: set {SaasAdminOptions.SecretVariable} (or SaasAdmin:Secret) to use it.");
        }

        var given = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (given.Length == 0)
        {
            return SaasResults.Fail(StatusCodes.Status401Unauthorized, "Missing adminapi header: send 'adminapi: <secret>'.");
        }

        if (!BearerHeader.SecretEquals(given, secret))
        {
            return SaasResults.Fail(StatusCodes.Status401Unauthorized, "invalid adminapi");
        }

        return await next(context);
    }
}
