using System.Net.Http.Headers;
using MirrorGate.Api.Platform.Rbac;
using MirrorGate.GrainInterfaces.Rbac;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// How the ledger tests log in: a real platform user of the org they name, added to a phone number of its own through
/// the phone index (as an org admin adding a member would), and a real session started for it, sent as
/// <c>Authorization: Bearer mgps-…</c>. The gateway's own <see cref="MirrorGate.Api.Platform.IPlatformCallerResolver"/> resolves it;
/// only the SMS round trip, which <c>PhoneLoginTests</c> drive through HTTP, is skipped.
/// </summary>
public static class TestPlatformCallers
{
    private static int _phones;

    /// <summary>An HTTP client of <paramref name="app"/> logged in as a new user <paramref name="userName"/> of <paramref name="orgId"/>.</summary>
    public static async Task<HttpClient> LoggedInAsync(this Infrastructure.GatewayApp app, string orgId, string userName = "user-1")
    {
        var phone = "13" + Interlocked.Increment(ref _phones).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        var user = await app.Grains.GetGrain<IPhoneIndexGrain>(phone).AddUserAsync(userName, orgId, null, DateTimeOffset.UtcNow);
        var (token, _) = await app.Services.GetRequiredService<PlatformSessions>().StartAsync(user);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
