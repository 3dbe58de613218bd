using System.Security.Cryptography;
using System.Text;
using MirrorGate.Api.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Console;

/// <summary>Which role a sign-in password opens: the admin password first, then the operator's; compared in constant time.</summary>
public sealed class ConsolePasswords(IOptionsMonitor<GatewayApiOptions> gateway, IOptionsMonitor<ConsoleOptions> console)
{
    /// <summary>The role <paramref name="password"/> opens, or null.</summary>
    public string? RoleOf(string password)
    {
        if (Matches(password, gateway.CurrentValue.AdminPassword))
        {
            return ConsoleRoles.Admin;
        }

        return Matches(password, console.CurrentValue.OperatorPassword) ? ConsoleRoles.Operator : null;
    }

    /// <summary>The current password of <paramref name="role"/> (empty when none), which every session's MAC covers.</summary>
    internal string For(string role) => (role == ConsoleRoles.Admin ? gateway.CurrentValue.AdminPassword : console.CurrentValue.OperatorPassword) ?? string.Empty;

    private static bool Matches(string given, string? expected) =>
        !string.IsNullOrEmpty(expected) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    public override string ToString() => "ConsolePasswords { *** }";
}
