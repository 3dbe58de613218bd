namespace MirrorGate.Api.Console;

/// <summary>What the console session of a request allows, for the admin filters to answer in their own error shape.</summary>
public readonly record struct ConsoleAccess(ConsoleAccessKind Kind, int Status = 0, string? Message = null)
{
    public static readonly ConsoleAccess NoSession = new(ConsoleAccessKind.NoSession);
    public static readonly ConsoleAccess Allowed = new(ConsoleAccessKind.Allowed);

    public static ConsoleAccess Refused(int status, string message) => new(ConsoleAccessKind.Refused, status, message);
}

public enum ConsoleAccessKind
{
    /// <summary>The request carries no console cookie: the filter checks its own secret as before.</summary>
    NoSession,

    /// <summary>A valid session that may do this; <c>HttpContext.User</c> is set.</summary>
    Allowed,

    /// <summary>A console cookie that may not do this (expired, operator changing something, no CSRF token, another origin).</summary>
    Refused,
}
