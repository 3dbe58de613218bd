using MirrorGate.Silo.Hosting;
using Orleans.Dashboard;

namespace MirrorGate.Api.Hosting;

public static class DashboardEndpoints
{
    /// <summary>
    /// The Orleans dashboard at <c>/dashboard</c> on a node that hosts a silo, every route of it (its data APIs
    /// included) behind the admin password (<see cref="AdminAuthentication"/>): it shows grain state and logs, and has
    /// no sign-in of its own. A front-end-only node serves none.
    /// </summary>
    public static IEndpointRouteBuilder MapClusterDashboard(this IEndpointRouteBuilder routes)
    {
        if (routes.ServiceProvider.GetRequiredService<NodeDescription>().HostsSilo)
        {
            routes.MapOrleansDashboard("/dashboard").RequireAuthorization(AdminAuthentication.Policy);
        }

        return routes;
    }
}
