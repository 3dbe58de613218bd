namespace MirrorGate.Api.Console;

/// <summary>
/// The operator console at <c>/console</c> (configuration section <c>Console</c>). The admin signs in with the admin
/// password (<c>ADMIN_PASSWORD</c> / <c>Gateway:AdminPassword</c>); a read-only operator with <see cref="OperatorPassword"/>.
/// </summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>Password of the read-only <c>operator</c> role. Empty: nobody can sign in as an operator.</summary>
    /// <value>Empty by default.</value>
    public string? OperatorPassword { get; set; }

    /// <summary>How long a console session lasts after sign-in; the operator signs in again after it.</summary>
    /// <value>8 hours by default.</value>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Failed sign-ins allowed per client address and minute, per node; further attempts get 429 until the minute ends.</summary>
    /// <value>10 by default.</value>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Name of the session cookie.</summary>
    /// <value><c>mirrorgate_console</c> by default.</value>
    public string CookieName { get; set; } = "mirrorgate_console";

    public override string ToString() => $"ConsoleOptions {{ OperatorPassword = {(string.IsNullOrEmpty(OperatorPassword) ? "(none)" : "***")}, SessionLifetime = {SessionLifetime} }}";
}
