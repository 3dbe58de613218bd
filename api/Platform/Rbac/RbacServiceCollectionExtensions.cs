using MirrorGate.Api.Platform.Dapi;
using MirrorGate.Upstream.Sms;

namespace MirrorGate.Api.Platform.Rbac;

public static class RbacServiceCollectionExtensions
{
    /// <summary>
    /// The platform's identity: phone login (SMS codes, the SMS sender), sessions, downstream API keys, and the
    /// <see cref="IPlatformCallerResolver"/> every <c>.dspy</c> route asks who is calling.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RbacOptions>().Bind(builder.Configuration.GetSection(RbacOptions.SectionName))
            .Validate(o => o.CodeLength is >= 4 and <= 9, "Rbac:CodeLength must be 4 to 9 digits.")
            .Validate(o => o.CodeLifetime > TimeSpan.Zero && o.SessionLifetime > TimeSpan.Zero && o.PhoneInterval >= TimeSpan.Zero, "Rbac lifetimes must be positive.")
            .Validate(o => o.MaxWrongAttempts >= 1 && o.PhoneDailyLimit >= 1 && o.AddressHourlyLimit >= 1, "Rbac:MaxWrongAttempts, PhoneDailyLimit and AddressHourlyLimit must be at least 1.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.CookieName), "Rbac:CookieName must not be empty.")
            .ValidateOnStart();
        services.AddOptions<DapiOptions>().Bind(builder.Configuration.GetSection(DapiOptions.SectionName))
            .Validate(o => o.DeererWindow is null || o.DeererWindow > TimeSpan.Zero, "Dapi:DeererWindow must be positive when set.")
            .ValidateOnStart();
        builder.AddSmsSender();
        services.AddSingleton<SmsCodes>();
        services.AddSingleton<PlatformSessions>();
        services.AddSingleton<DownApiKeys>();
        services.AddSingleton<IPlatformCallerResolver, PlatformCallerResolver>();
        return builder;
    }
}
