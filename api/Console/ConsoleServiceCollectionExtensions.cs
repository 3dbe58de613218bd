namespace MirrorGate.Api.Console;

public static class ConsoleServiceCollectionExtensions
{
    /// <summary>The console's sessions, its sign-in limiter, its embedded files and the dashboard's access rule.</summary>
    public static IServiceCollection AddConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.SectionName))
            .Validate(o => o.SessionLifetime > TimeSpan.Zero && o.SignInAttemptsPerMinute > 0 && !string.IsNullOrWhiteSpace(o.CookieName),
                "Console:SessionLifetime and Console:SignInAttemptsPerMinute must be positive, Console:CookieName not blank.")
            .ValidateOnStart();
        services.AddSingleton<ConsolePasswords>();
        services.AddSingleton<ConsoleSessionCodec>();
        services.AddSingleton<ConsoleGate>();
        services.AddSingleton<ConsoleSignInLimiter>();
        services.AddSingleton<ConsoleAssets>();
        services.AddSingleton<DashboardAccess>();
        return services;
    }
}
