using MirrorGate.Silo.Hosting;

namespace MirrorGate.Api.Console;

/// <summary>
/// Who may open the Orleans dashboard, which has no sign-in of its own: the admin password as <c>Authorization:
/// Bearer …</c> or as the password of HTTP Basic (which a browser asks for by itself), or a console session held to
/// the console's one rule (<see cref="ConsoleGate.Check"/>: both roles read, only admin changes, with the CSRF token).
/// <para>
/// Checked in front of the dashboard's own pipeline (<see cref="Hosting.DashboardEndpoints"/>) rather than through
/// ASP.NET authentication: the gateway needs no authentication scheme anywhere else, and with none registered the
/// host adds no authentication and authorization middleware to every API request.
/// </para>
/// </summary>
public sealed class DashboardAccess(ConsolePasswords passwords, ConsoleGate gate)
{
    /// <summary>The status to refuse <paramref name="context"/> with (401 or 403), or null when it may pass.</summary>
    public int? Refusal(HttpContext context)
    {
        if (AdminAuthentication.PasswordIn(context.Request.Headers.Authorization.ToString()) is { } given && passwords.RoleOf(given) == ConsoleRoles.Admin)
        {
            return null;
        }

        if (gate.SessionOf(context) is { } session)
        {
            var access = gate.Check(context, session);
            return access.Kind is ConsoleAccessKind.Allowed ? null : access.Status;
        }

        return StatusCodes.Status401Unauthorized;
    }
}
