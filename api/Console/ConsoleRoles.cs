namespace MirrorGate.Api.Console;

/// <summary>The console's two roles: <c>admin</c> may change things, <c>operator</c> only reads.</summary>
public static class ConsoleRoles
{
    public const string Admin = "admin";
    public const string Operator = "operator";

    /// <summary>Methods that change nothing; every other method needs the admin role and the CSRF token.</summary>
    public static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
