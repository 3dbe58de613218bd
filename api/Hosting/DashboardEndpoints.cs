using MirrorGate.Api.Console;
using MirrorGate.Silo.Hosting;
using Orleans.Dashboard;

namespace MirrorGate.Api.Hosting;

public static class DashboardEndpoints
{
    private const string Prefix = "/dashboard";

    /// <summary>
    /// The Orleans dashboard at <c>/dashboard</c> on a node that hosts a silo, every route of it (its data APIs
    /// included) behind the admin password (<see cref="AdminAuthentication"/>) or a console session (<see cref="ConsoleAuthentication"/>;
    /// the console links to it): it shows grain state and logs, and has no sign-in of its own. A front-end-only node serves none, nor a node with <c>Cluster:Dashboard=false</c>.
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

        var dashboard = new Lazy<RequestDelegate>(() => Build(app.ApplicationServices));
        return app.MapWhen(
            context => context.Request.Path.StartsWithSegments(Prefix),
            branch => branch.Run(context => dashboard.Value(context)));
    }

    // A pipeline of its own, so its routes join no other matcher; authorization runs here because the policy is on
    // these endpoints, which the application's own authorization middleware never sees.
    private static RequestDelegate Build(IServiceProvider services)
    {
        var pipeline = new ApplicationBuilder(services);
        pipeline.UseRouting();
        pipeline.UseAuthorization();
        pipeline.UseEndpoints(endpoints => endpoints.MapOrleansDashboard(Prefix).RequireAuthorization(ConsoleAuthentication.DashboardPolicy));
        return pipeline.Build();
    }
}
