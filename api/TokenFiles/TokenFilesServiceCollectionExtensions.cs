namespace MirrorGate.Api.TokenFiles;

public static class TokenFilesServiceCollectionExtensions
{
    /// <summary>Aurora's token files as an account source; registered after the pool feed, so the first read can reach the grains.</summary>
    public static IServiceCollection AddTokenFiles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TokenFilesOptions>().Bind(configuration.GetSection(TokenFilesOptions.SectionName))
            .Validate(o => o.Debounce >= TimeSpan.Zero && o.RescanInterval > TimeSpan.Zero, "TokenFiles:Debounce must not be negative and TokenFiles:RescanInterval must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.AccessTokensFile) && !string.IsNullOrWhiteSpace(o.RefreshTokensFile) && !string.IsNullOrWhiteSpace(o.SessionTokensFile), "TokenFiles file names must not be empty.")
            .ValidateOnStart();
        services.AddSingleton<TokenFileLoader>();
        services.AddHostedService<TokenFileWatcher>();
        return services;
    }
}
