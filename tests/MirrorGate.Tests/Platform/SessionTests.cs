using System.Net.Http.Json;

namespace MirrorGate.Tests.Platform;

/// <summary>Login sessions (issue 11, item 1): an HttpOnly cookie and the same token as <c>Authorization: Bearer</c>.</summary>
public sealed class SessionTests(PlatformGateway gateway) : IClassFixture<PlatformGateway>
{
    [Fact]
    public async Task Login_sets_an_httponly_cookie_that_logs_the_client_in()
    {
        var phone = PlatformGateway.NewPhone();
        using var client = gateway.Client();
        var (key, code) = await gateway.SendCodeAsync(phone, client);
        using var response = await client.PostAsJsonAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code });
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("mg_session=mgps-", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        Assert.Equal("ok", (await client.GetDspyAsync("/dapi/downapps.dspy")).Status());
        using var stranger = gateway.Client();
        Assert.Equal("请先登录", (await stranger.GetDspyAsync("/dapi/downapps.dspy")).Message());
    }

    [Fact]
    public async Task The_session_token_works_as_a_bearer_until_logout_and_a_forged_one_never()
    {
        var (owner, token, _) = await gateway.NewUserAsync();
        using (owner)
        {
            using var bearer = gateway.Client("Bearer " + token);
            Assert.Equal("ok", (await bearer.GetDspyAsync("/dapi/downapps.dspy")).Status());

            var forged = token[..^3] + (token[^3] == 'A' ? "BBB" : "AAA");
            using var forger = gateway.Client("Bearer " + forged);
            Assert.Equal("请先登录", (await forger.GetDspyAsync("/dapi/downapps.dspy")).Message());

            // A bad Authorization header is not rescued by a good cookie.
            owner.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + forged);
            Assert.Equal("请先登录", (await owner.GetDspyAsync("/dapi/downapps.dspy")).Message());
            owner.DefaultRequestHeaders.Authorization = null;
            Assert.Equal("ok", (await owner.GetDspyAsync("/dapi/downapps.dspy")).Status());

            Assert.Equal("ok", (await bearer.GetDspyAsync("/rbac/logout.dspy")).Status());
            Assert.Equal("请先登录", (await bearer.GetDspyAsync("/dapi/downapps.dspy")).Message());
            Assert.Equal("请先登录", (await owner.GetDspyAsync("/dapi/downapps.dspy")).Message());
        }
    }

    [Fact]
    public async Task A_session_expires_after_its_lifetime()
    {
        var (client, token, _) = await gateway.NewUserAsync();
        using (client)
        {
            using var bearer = gateway.Client("Bearer " + token);
            gateway.Time.Advance(TimeSpan.FromDays(6));
            Assert.Equal("ok", (await bearer.GetDspyAsync("/dapi/downapps.dspy")).Status());
            gateway.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
            Assert.Equal("请先登录", (await bearer.GetDspyAsync("/dapi/downapps.dspy")).Message());
        }
    }
}
