using MirrorGate.Api.Console;
using MirrorGate.Silo.Hosting;
using Orleans.Dashboard;

namespace MirrorGate.Api.Hosting;

public static class DashboardEndpoints
{
    private const string Prefix = "/dashboard";

    /// <summary>
    /// The Orleans dashboard at <c>/dashboard</c> on a node that hosts a silo, every route of it (its data APIs
    /// included) behind the admin password or a console session (<see cref="DashboardAccess"/>; the console links to
    /// it): it shows grain state and logs, and has no sign-in of its own. A front-end-only node serves none, nor a node
    /// with <c>Cluster:Dashboard=false</c>.
    /// </summary>
    /// <remarks>
    /// The dashboard's routes are mapped on the first request under <c>/dashboard</c>, not at start:
    /// <c>MapOrleansDashboard</c> reads its 17 MB of embedded assets into memory twice over (as is and gzipped), about
    /// 50 MB of a node's idle memory for a page most nodes never serve. Its metric collection still runs from the
    /// start; only the page and its API wait.
    /// </remarks>
    public static IApplicationBuilder MapClusterDashboard(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<NodeDescription>().HostsDashboard)
        {
            return app;
        }

        var access = app.ApplicationServices.GetRequiredService<DashboardAccess>();
        var dashboard = new Lazy<RequestDelegate>(() => Build(app.ApplicationServices));
        return app.MapWhen(
            context => context.Request.Path.StartsWithSegments(Prefix),
            branch => branch.Run(context =>
            {
                if (access.Refusal(context) is { } status)
                {
                    context.Response.StatusCode = status;
                    if (status == StatusCodes.Status401Unauthorized)
                    {
                        context.Response.Headers.WWWAuthenticate = AdminAuthentication.Challenge;
                    }

                    return Task.CompletedTask;
                }

                return dashboard.Value(context);
            }));
    }

    // A pipeline of its own, so that its routes join no other matcher.
    private static RequestDelegate Build(IServiceProvider services)
    {
        var pipeline = new ApplicationBuilder(services);
        pipeline.UseRouting();
        pipeline.UseEndpoints(endpoints => endpoints.MapOrleansDashboard(Prefix));
        return pipeline.Build();
    }
}
