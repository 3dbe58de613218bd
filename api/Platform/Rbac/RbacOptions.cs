namespace MirrorGate.Api.Platform.Rbac;

/// <summary>Phone login and sessions of the 元境 platform API (configuration section <c>Rbac</c>).</summary>
public sealed class RbacOptions
{
    public const string SectionName = "Rbac";

    /// <summary>Digits in an SMS code.</summary>
    /// <value>6 by default.</value>
    public int CodeLength { get; set; } = 6;

    /// <summary>How long a code works (the original's test revision: 5 minutes).</summary>
    /// <value>5 minutes by default.</value>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong codes tried against one key before it locks (then even the right code is refused).</summary>
    /// <value>5 by default.</value>
    public int MaxWrongAttempts { get; set; } = 5;

    /// <summary>Least time between two codes to one phone number.</summary>
    /// <value>60 seconds by default.</value>
    public TimeSpan PhoneInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most codes to one phone number in any 24 hours.</summary>
    /// <value>10 by default.</value>
    public int PhoneDailyLimit { get; set; } = 10;

    /// <summary>Most codes requested from one client address in any hour.</summary>
    /// <value>30 by default.</value>
    public int AddressHourlyLimit { get; set; } = 30;

    /// <summary>How long a login session lasts.</summary>
    /// <value>7 days by default.</value>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The HttpOnly cookie that carries the session token (gateway-defined; the original used its framework's session cookie).</summary>
    /// <value><c>mg_session</c> by default.</value>
    public string CookieName { get; set; } = "mg_session";
}
