using MirrorGate.UpstreamSim;

namespace MirrorGate.Api.Demo;

/// <summary>
/// The README's offline demo (<c>--demo=true</c>): starts the upstream simulator on loopback, points
/// the ChatGPT client at it, and registers one simulated account in the pool, so the README's curl
/// works on a machine with no network. Keys default to <c>demo-key</c> / <c>demo-admin</c> unless set.
/// </summary>
public static class DemoMode
{
    public const string ServiceKey = "demo-key";
    public const string AdminPassword = "demo-admin";

    public static IHostApplicationBuilder AddDemoMode(this IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue<bool>("Demo"))
        {
            return builder;
        }

        var simulator = UpstreamSimulator.StartAsync().GetAwaiter().GetResult();
        var settings = new Dictionary<string, string?>
        {
            ["ChatGpt:BackendBaseUrl"] = simulator.BaseUrl.ToString(),
            ["ChatGpt:AuthBaseUrl"] = simulator.BaseUrl.ToString(),
        };
        if (string.IsNullOrEmpty(builder.Configuration["Gateway:ServiceKey"]) && string.IsNullOrEmpty(builder.Configuration["Authorization"]))
        {
            settings["Gateway:ServiceKey"] = ServiceKey;
        }

        if (string.IsNullOrEmpty(builder.Configuration["Gateway:AdminPassword"]) && string.IsNullOrEmpty(builder.Configuration["ADMIN_PASSWORD"]))
        {
            settings["Gateway:AdminPassword"] = AdminPassword;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(simulator);
        builder.Services.AddHostedService<DemoSeeder>();
        return builder;
    }
}
