using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A grain runtime without a web host, for grain and runtime tests. Two TestSilos on the same data
/// folder and shared stores behave like two nodes of a cluster that briefly hold the same grain.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="settings">More configuration, e.g. a <see cref="PostgresTestDatabase"/>'s settings for cluster mode.
    /// No hosted service runs here, so such a node neither migrates nor listens for change notices.</param>
    public TestSilo(string dataDirectory, TimeProvider? time = null, Action<IServiceCollection>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Silo:DataDirectory"] = dataDirectory,
                ["Secrets:Key"] = Convert.ToBase64String(new byte[32]),
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSilo(configuration);
        configure?.Invoke(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IServiceProvider Services => _services;

    public IGrainFactory Grains => _services.GetRequiredService<IGrainFactory>();

    public GrainCatalog Catalog => _services.GetRequiredService<GrainCatalog>();

    public async ValueTask DisposeAsync()
    {
        await Catalog.DeactivateAllAsync();
        await _services.DisposeAsync();
    }
}
