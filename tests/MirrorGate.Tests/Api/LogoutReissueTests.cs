using System.Net;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary>
/// <c>/api/logout</c> then <c>/api/get-mirror-token</c>: the user is let back in with a new mirror token, while the
/// old one stays dead (GatewayAdminApiTests covers logging back in through <c>/api/login</c>).
/// </summary>
public sealed class LogoutReissueTests
{
    // An operator who logs a user out and re-issues access must not resurrect the leaked token nor leave the user locked out.
    [Fact]
    public async Task After_logout_the_old_mirror_token_is_401_and_a_new_get_mirror_token_issues_a_working_one()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("reissue@example.com");
        var old = await app.MirrorTokenAsync("reissued-user", "reissue@example.com");
        using (var before = await app.CreateClient(old).ChatAsync("before logout"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var admin = app.CreateClient(GatewayApp.AdminPassword))
        using (var logout = await admin.PostAsync("/api/logout", System.Net.Http.Json.JsonContent.Create(new { user_name = "reissued-user" })))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }

        using (var refused = await app.CreateClient(old).ChatAsync("after logout"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("invalid_api_key", (await refused.JsonAsync())["error"]!["code"]!.GetValue<string>());
        }

        var fresh = await app.MirrorTokenAsync("reissued-user", "reissue@example.com");
        using var served = await app.CreateClient(fresh).ChatAsync("back in");
        using var stillDead = await app.CreateClient(old).ChatAsync("old again");

        Assert.NotEqual(old, fresh);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stillDead.StatusCode);
        Assert.Equal(2, app.Simulator.CallCount("f/conversation"));
    }
}
