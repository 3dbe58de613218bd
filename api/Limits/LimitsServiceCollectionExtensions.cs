namespace MirrorGate.Api.Limits;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>This node's leases of users' limited uses (<see cref="LimitLeases"/>), with its sweep of expired leases.</summary>
    public static IServiceCollection AddLimitLeases(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LimitLeaseOptions>().Bind(configuration.GetSection(LimitLeaseOptions.SectionName))
            .Validate(o => o.LeaseLifetime > TimeSpan.Zero && o.LeaseLifetime <= TimeSpan.FromSeconds(10), "Limits:LeaseLifetime must be more than zero and at most 10 seconds.")
            .Validate(o => o.MaxBlock >= 1, "Limits:MaxBlock must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<LimitLeases>();
        services.AddHostedService(sp => sp.GetRequiredService<LimitLeases>());
        return services;
    }
}
