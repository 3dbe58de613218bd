using MirrorGate.Api.Console;
using MirrorGate.Silo.Hosting;
using Orleans.Dashboard;

namespace MirrorGate.Api.Hosting;

public static class DashboardEndpoints
{
    /// <summary>
    /// The Orleans dashboard at <c>/dashboard</c> on a node that hosts a silo, every route of it (its data APIs
    /// included) behind the admin password (<see cref="AdminAuthentication"/>) or a console session (<see cref="ConsoleAuthentication"/>;
    /// the console links to it): it shows grain state and logs, and has no sign-in of its own. A front-end-only node serves none, nor a node with <c>Cluster:Dashboard=false</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapClusterDashboard(this IEndpointRouteBuilder routes)
    {
        if (routes.ServiceProvider.GetRequiredService<NodeDescription>().HostsDashboard)
        {
            routes.MapOrleansDashboard("/dashboard").RequireAuthorization(ConsoleAuthentication.DashboardPolicy);
        }

        return routes;
    }
}
