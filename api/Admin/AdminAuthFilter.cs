using MirrorGate.Api.Auth;
using MirrorGate.Api.Console;
using MirrorGate.Api.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Admin;

/// <summary>
/// Guards the admin set with <c>Authorization: Bearer ${ADMIN_PASSWORD}</c>, compared in constant time.
/// Without a configured password the admin set is off rather than open. A request without an <c>Authorization</c>
/// header may instead carry a console session (<see cref="ConsoleGate"/>: reads for both roles, changes for admin).
/// </summary>
internal sealed class AdminAuthFilter(IOptionsMonitor<GatewayApiOptions> options, ConsoleGate console) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Request.Headers.Authorization.Count == 0)
        {
            var access = console.Authorize(context.HttpContext);
            if (access.Kind is ConsoleAccessKind.Allowed)
            {
                return await next(context);
            }

            if (access.Kind is ConsoleAccessKind.Refused)
            {
                return AdminResults.Error(access.Status, access.Message!);
            }
        }

        var password = options.CurrentValue.AdminPassword;
        if (string.IsNullOrEmpty(password))
        {
            return AdminResults.Error(StatusCodes.Status401Unauthorized, "The admin API is off: set ADMIN_PASSWORD to use it.");
        }

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var presented = BearerHeader.Token(header)
            ?? (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<AdminPasswordInQuery>() is not null
                ? context.HttpContext.Request.Query["admin_password"].ToString()
                : null);
        if (!BearerHeader.SecretEquals(presented ?? string.Empty, password))
        {
            return AdminResults.Error(StatusCodes.Status401Unauthorized, "Unauthorized");
        }

        return await next(context);
    }
}
