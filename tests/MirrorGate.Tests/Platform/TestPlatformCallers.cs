using MirrorGate.Api.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// THE ONE PLACE the ledger tests log in. The real <see cref="IPlatformCallerResolver"/> (phone login sessions, API
/// keys) is built on the rbac branch; until it is merged, tests name their caller in a test header,
/// <c>X-Test-Caller: userid;orgid;username</c>. After the merge, swap this for real logins and the tests stay as they are.
/// </summary>
public static class TestPlatformCallers
{
    public const string Header = "X-Test-Caller";

    /// <summary>Registers the header resolver on a test gateway (pass to <c>GatewayApp.StartAsync(services: …)</c>).</summary>
    public static void Register(IServiceCollection services) => services.AddSingleton<IPlatformCallerResolver, HeaderResolver>();

    /// <summary>An HTTP client of <paramref name="app"/> logged in as a user of <paramref name="orgId"/>.</summary>
    public static HttpClient LoggedIn(this Infrastructure.GatewayApp app, string orgId, string userId = "user-1")
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(Header, $"{userId};{orgId};{userId}");
        return client;
    }

    private sealed class HeaderResolver : IPlatformCallerResolver
    {
        public ValueTask<PlatformCaller?> ResolveAsync(HttpContext context) =>
            ValueTask.FromResult(context.Request.Headers[Header].ToString().Split(';') is [{ Length: > 0 } user, { Length: > 0 } org, var name]
                ? new PlatformCaller(user, org, name)
                : null);
    }
}
