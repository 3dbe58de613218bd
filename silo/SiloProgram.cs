using MirrorGate.Silo.Hosting;
using Orleans.Dashboard;

namespace MirrorGate.Silo;

/// <summary>
/// A silo-only node, for clusters whose HTTP front ends run apart (<c>Cluster:Role=FrontEnd</c> on those). It needs
/// the same cluster settings as every node, serves no API, and answers <c>GET /ping</c> and the Orleans dashboard
/// (behind the admin password, as on the gateway) on its own HTTP port (<c>--urls</c>).
/// </summary>
public static class SiloProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddMirrorGateLogging();
        var node = builder.AddMirrorGateNode();
        if (!node.HostsSilo)
        {
            throw new InvalidOperationException("The silo-only host runs a silo: leave Cluster:Role unset (or Silo) here.");
        }

        builder.Services.AddAdminAuthentication(builder.Configuration);
        var app = builder.Build();
        app.MapGet("/ping", () => Results.Json(new { message = "pong", role = "silo" }));
        if (node.HostsDashboard)
        {
            app.MapOrleansDashboard("/dashboard").RequireAuthorization(AdminAuthentication.Policy);
        }

        await app.RunAsync();
    }
}
