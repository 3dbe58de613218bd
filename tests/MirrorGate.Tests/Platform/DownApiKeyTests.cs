using System.Net;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// Downstream API keys (issue 11, item 4; seed 003 and research D.3): <c>/dapi/apply_apikey.dspy</c>,
/// <c>downapps.dspy</c>, <c>get_apikey.dspy</c>, and the keys as <c>Bearer</c> and <c>Deerer</c> credentials on
/// <c>.dspy</c> routes, with allow-lists. The gateway listens on loopback, so requests come from 127.0.0.1.
/// </summary>
public sealed class DownApiKeyTests(PlatformGateway gateway) : IClassFixture<PlatformGateway>
{
    [Fact]
    public async Task Apply_list_and_get_a_key_as_the_seed_shapes_them()
    {
        var (client, _, user) = await gateway.NewUserAsync();
        using (client)
        {
            var applied = await client.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = "my app", description = "for tests", allowedips = "127.0.0.1, 10.0.0.0/8" });
            Assert.Equal("ok", applied.Status());
            var app = applied["data"]!.AsObject();
            var id = app["id"]!.GetValue<string>();
            Assert.Equal("my app", app["appname"]!.GetValue<string>());
            Assert.Equal("127.0.0.1,10.0.0.0/8", app["allowedips"]!.GetValue<string>());
            Assert.Equal(user["orgid"]!.GetValue<string>(), app["orgid"]!.GetValue<string>());
            Assert.Matches("^[0-9a-f]{32}$", app["apikey"]!.GetValue<string>());
            Assert.Equal(32, app["secretkey"]!.GetValue<string>().Length);

            var listed = await client.GetDspyAsync("/dapi/downapps.dspy");
            var row = Assert.Single(listed["data"]!["apikeys"]!.AsArray())!;
            Assert.Equal(id, row["id"]!.GetValue<string>());
            Assert.Equal("my app", row["appname"]!.GetValue<string>());

            var got = await client.GetDspyAsync($"/dapi/get_apikey.dspy?id={id}");
            Assert.Equal("ok", got.Status());
            Assert.Equal("my app", got["data"]!["appname"]!.GetValue<string>());
            Assert.Equal(app["apikey"]!.GetValue<string>(), got["data"]!["aapikey"]!.GetValue<string>());
            Assert.Equal(app["apikey"]!.GetValue<string>(), got["data"]!["apikey"]!.GetValue<string>());
            Assert.Equal(app["secretkey"]!.GetValue<string>(), got["data"]!["secretkey"]!.GetValue<string>());

            // Form requests work too, and a second app is listed after the first.
            Assert.Equal("ok", (await client.PostFormAsync("/dapi/apply_apikey.dspy", ("appname", "second"))).Status());
            var names = (await client.GetDspyAsync("/dapi/downapps.dspy"))["data"]!["apikeys"]!.AsArray().Select(a => a!["appname"]!.GetValue<string>());
            Assert.Equal(["my app", "second"], names);

            // Another user sees neither the app nor its keys.
            var (stranger, _, _) = await gateway.NewUserAsync();
            using (stranger)
            {
                Assert.Equal("没有找到用户apikey", (await stranger.GetDspyAsync($"/dapi/get_apikey.dspy?id={id}")).Message());
                Assert.Empty((await stranger.GetDspyAsync("/dapi/downapps.dspy"))["data"]!["apikeys"]!.AsArray());
            }
        }
    }

    [Fact]
    public async Task Bad_requests_get_messages_and_write_nothing()
    {
        using var anonymous = gateway.Client();
        Assert.Equal("请先登录", (await anonymous.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = "x" })).Message());
        Assert.Equal("请先登录", (await anonymous.GetDspyAsync("/dapi/downapps.dspy")).Message());
        Assert.Equal("请先登录", (await anonymous.GetDspyAsync("/dapi/get_apikey.dspy?id=x")).Message());

        var (client, _, _) = await gateway.NewUserAsync();
        using (client)
        {
            Assert.Equal("需要应用名称appname", (await client.PostDspyAsync("/dapi/apply_apikey.dspy", new { description = "no name" })).Message());
            Assert.Equal("需要应用名称appname", (await client.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = "  " })).Message());
            Assert.StartsWith("应用名称不能超过", (await client.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = new string('a', 101) })).Message(), StringComparison.Ordinal);
            Assert.Equal("allowedips格式不正确: 300.1.1.1", (await client.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = "x", allowedips = "127.0.0.1,300.1.1.1" })).Message());
            Assert.Equal("没有找到用户apikey", (await client.GetDspyAsync("/dapi/get_apikey.dspy")).Message());
            Assert.Equal("没有找到用户apikey", (await client.GetDspyAsync("/dapi/get_apikey.dspy?id=nosuchapp")).Message());
            Assert.Empty((await client.GetDspyAsync("/dapi/downapps.dspy"))["data"]!["apikeys"]!.AsArray());
        }
    }

    [Fact]
    public async Task A_key_logs_in_as_its_user_with_bearer_and_with_deerer()
    {
        var (client, _, user) = await gateway.NewUserAsync();
        using (client)
        {
            var app = await ApplyAsync(client, allowedIps: null);
            var (id, apiKey, secretKey) = Keys(app);

            using var bearer = gateway.Client("Bearer " + apiKey);
            var listed = await bearer.GetDspyAsync("/dapi/downapps.dspy");
            Assert.Equal(id, listed["data"]!["apikeys"]![0]!["id"]!.GetValue<string>());

            using var deerer = gateway.Client(DeererClient.Header(id, secretKey, apiKey, gateway.Time.GetUtcNow()));
            Assert.Equal("ok", (await deerer.GetDspyAsync($"/dapi/get_apikey.dspy?id={id}")).Status());

            // The key user can apply for more keys of the same user and org (the original logs the key in as the user).
            var more = await bearer.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = "by key" });
            Assert.Equal(user["orgid"]!.GetValue<string>(), more["data"]!["orgid"]!.GetValue<string>());

            // With the replay window off (the default, as the original), an old signature still works.
            using var old = gateway.Client(DeererClient.Header(id, secretKey, apiKey, gateway.Time.GetUtcNow().AddDays(-30)));
            Assert.Equal("ok", (await old.GetDspyAsync("/dapi/downapps.dspy")).Status());
        }
    }

    [Fact]
    public async Task Wrong_keys_and_signatures_are_refused()
    {
        var (client, _, _) = await gateway.NewUserAsync();
        using (client)
        {
            var (id, apiKey, secretKey) = Keys(await ApplyAsync(client, allowedIps: null));
            var (otherId, otherKey, otherSecret) = Keys(await ApplyAsync(client, allowedIps: null));
            var now = gateway.Time.GetUtcNow();
            string[] refused =
            [
                "Bearer " + new string('0', 32),
                "Bearer not-a-key",
                DeererClient.Header(id, "wrong-secret-key-wrong-secret-key", apiKey, now),
                DeererClient.Header(id, secretKey, new string('a', 32), now),
                DeererClient.Header(id, secretKey, otherKey, now),
                DeererClient.Header("no-such-app", secretKey, apiKey, now),
                DeererClient.Header(otherId, secretKey, apiKey, now),
                $"Deerer {id}-:-not base64!",
                $"Deerer {id}",
                "Basic dXNlcjpwYXNz",
            ];
            foreach (var header in refused)
            {
                using var caller = gateway.Client(header);
                Assert.True((await caller.GetDspyAsync("/dapi/downapps.dspy")).Message() == "请先登录", header);
            }

            using var good = gateway.Client(DeererClient.Header(otherId, otherSecret, otherKey, now));
            Assert.Equal("ok", (await good.GetDspyAsync("/dapi/downapps.dspy")).Status());
        }
    }

    [Fact]
    public async Task An_allow_list_admits_only_its_addresses()
    {
        var (client, _, _) = await gateway.NewUserAsync();
        using (client)
        {
            var (outsideId, outsideKey, outsideSecret) = Keys(await ApplyAsync(client, "10.1.2.3,192.168.0.0/16"));
            var (insideId, insideKey, insideSecret) = Keys(await ApplyAsync(client, "10.1.2.3,127.0.0.0/8"));
            var now = gateway.Time.GetUtcNow();

            using var outsideBearer = gateway.Client("Bearer " + outsideKey);
            Assert.Equal("请先登录", (await outsideBearer.GetDspyAsync("/dapi/downapps.dspy")).Message());
            using var outsideDeerer = gateway.Client(DeererClient.Header(outsideId, outsideSecret, outsideKey, now));
            Assert.Equal("请先登录", (await outsideDeerer.GetDspyAsync("/dapi/downapps.dspy")).Message());

            using var insideBearer = gateway.Client("Bearer " + insideKey);
            Assert.Equal("ok", (await insideBearer.GetDspyAsync("/dapi/downapps.dspy")).Status());
            using var insideDeerer = gateway.Client(DeererClient.Header(insideId, insideSecret, insideKey, now));
            Assert.Equal("ok", (await insideDeerer.GetDspyAsync("/dapi/downapps.dspy")).Status());

            // The owner's session is not bound by the app's allow-list.
            Assert.Equal("ok", (await client.GetDspyAsync("/dapi/downapps.dspy")).Status());
        }
    }

    [Fact]
    public async Task A_key_is_a_bearer_on_v1_from_an_allowed_address_only()
    {
        if (!gateway.App.Pool.Accounts.Any(a => a.Email == "platform-v1@example.com"))
        {
            await gateway.App.AddPooledAccountAsync("platform-v1@example.com");
        }

        var (client, token, _) = await gateway.NewUserAsync();
        using (client)
        {
            var (_, apiKey, _) = Keys(await ApplyAsync(client, allowedIps: null));
            var (_, outsideKey, _) = Keys(await ApplyAsync(client, "10.1.2.3"));

            // The key is accepted; the web accounts' model is not sold to platform keys (LlmBillingTests covers priced ones).
            using var allowed = gateway.App.CreateClient(apiKey);
            using var answer = await allowed.ChatAsync("hello from a platform key");
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            Assert.Contains("model_not_found", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            foreach (var refused in new[] { outsideKey, new string('0', 32), token })
            {
                using var caller = gateway.App.CreateClient(refused);
                using var response = await caller.ChatAsync("refused");
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }
    }

    private static async Task<JsonObject> ApplyAsync(HttpClient client, string? allowedIps)
    {
        var answer = await client.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = "app " + Guid.NewGuid().ToString("N")[..6], allowedips = allowedIps });
        Assert.True(answer.Status() == "ok", answer.ToJsonString());
        return answer["data"]!.AsObject();
    }

    private static (string Id, string ApiKey, string SecretKey) Keys(JsonObject app) =>
        (app["id"]!.GetValue<string>(), app["apikey"]!.GetValue<string>(), app["secretkey"]!.GetValue<string>());
}
