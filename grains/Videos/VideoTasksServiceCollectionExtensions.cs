using MirrorGate.Upstream.Vidu;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Grains.Videos;

public static class VideoTasksServiceCollectionExtensions
{
    /// <summary>What video task grains need on every silo: their settings and the Vidu client.</summary>
    public static IServiceCollection AddVideoTasks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VideoTaskOptions>().Bind(configuration.GetSection(VideoTaskOptions.SectionName))
            .Validate(o => o.PollPeriod > TimeSpan.Zero && o.ResumePeriod > TimeSpan.Zero && o.Timeout > TimeSpan.Zero && o.IndexCapacity > 0,
                "VideoTasks:PollPeriod, ResumePeriod, Timeout and IndexCapacity must be positive.")
            .ValidateOnStart();
        services.AddViduUpstream(configuration);
        return services;
    }
}
