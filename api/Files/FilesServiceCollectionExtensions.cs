using MirrorGate.Api.Images;

namespace MirrorGate.Api.Files;

/// <summary>Registers uploads (<see cref="FilesOptions"/>, section <c>Files</c>) and image generation (<see cref="ImagesOptions"/>, section <c>Images</c>).</summary>
public static class FilesServiceCollectionExtensions
{
    public static IServiceCollection AddFilesAndImages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FilesOptions>().Bind(configuration.GetSection(FilesOptions.SectionName))
            .Validate(o => o.MaxBytes > 0, "Files:MaxBytes must be positive.")
            .Validate(o => o.AllowedExtensions.Length > 0, "Files:AllowedExtensions must name at least one extension.")
            .ValidateOnStart();
        services.AddOptions<ImagesOptions>().Bind(configuration.GetSection(ImagesOptions.SectionName))
            .Validate(o => o.MaxImages is > 0 and <= 10, "Images:MaxImages must be between 1 and 10.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.PollTimeout >= TimeSpan.Zero, "Images:PollInterval must be positive and Images:PollTimeout not negative.")
            .Validate(o => o.LinkLifetime > TimeSpan.Zero, "Images:LinkLifetime must be positive.")
            .ValidateOnStart();
        services.AddSingleton<FileIds>();
        services.AddSingleton<FileReferences>();
        services.AddSingleton<FilesHandler>();
        services.AddSingleton<ImageLinks>();
        services.AddSingleton<ImagesHandler>();
        return services;
    }
}
