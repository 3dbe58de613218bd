namespace MirrorGate.Upstream.Sms;

/// <summary>Which SMS sender delivers login codes, and how (configuration section <c>Sms</c>).</summary>
public sealed class SmsOptions
{
    public const string SectionName = "Sms";

    /// <summary>
    /// <c>Log</c>: the development sender, which writes the code to the log at Information and sends nothing (the one
    /// place a secret is logged, on purpose). <c>Http</c>: a real provider behind <see cref="Url"/>. <c>None</c>: no
    /// sender; <c>gen_sms_code</c> answers "发送验证码出错". Empty: <c>Log</c> in the Development environment or demo
    /// mode, else <c>None</c> — a production node never prints codes unless told to.
    /// </summary>
    /// <value>Empty by default.</value>
    public string? Sender { get; set; }

    /// <summary>Where the HTTP sender POSTs <c>{"phone","code","message"}</c>, with <c>Authorization: Bearer</c> <see cref="ApiKey"/>.</summary>
    public Uri? Url { get; set; }

    /// <summary>The provider's key for the HTTP sender; never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long the HTTP sender waits for the provider.</summary>
    /// <value>10 seconds by default.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The message text; <c>{code}</c> and <c>{minutes}</c> are filled in.</summary>
    /// <value>"您的验证码是{code}，{minutes}分钟内有效。" by default.</value>
    public string Template { get; set; } = "您的验证码是{code}，{minutes}分钟内有效。";

    public string Render(SmsMessage message) => Template
        .Replace("{code}", message.Code, StringComparison.Ordinal)
        .Replace("{minutes}", ((int)Math.Ceiling(message.Lifetime.TotalMinutes)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
