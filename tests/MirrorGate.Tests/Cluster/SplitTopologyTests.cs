using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Cluster;

/// <summary>
/// The split topology: two silo-only nodes hold every grain, and a thin front end (an Orleans client, no silo, no
/// database of its own) serves the API with the same handlers as a co-hosted node, its token record copies included.
/// </summary>
public sealed class SplitTopologyTests
{
    [Fact]
    public async Task A_front_end_without_a_silo_serves_chat_limits_and_admin_through_two_silo_only_nodes()
    {
        await using var cluster = await NodeCluster.StartAsync(gateways: 0, silos: 2, frontEnds: 1,
            settings: new Dictionary<string, string?> { ["SaasAdmin:Secret"] = "split-adminapi-secret" });
        var frontEnd = cluster.Gateways.Single();
        await cluster.AddPooledAccountAsync("split@example.com");

        using var pool = frontEnd.CreateClient(GatewayApp.ServiceKey);
        await Eventually.WaitUntilAsync(async () => (await pool.ChatAsync("through the front end")).StatusCode == HttpStatusCode.OK, "the front end serves from the pool");

        using var admin = frontEnd.CreateClient(GatewayApp.AdminPassword);
        using var issued = await admin.PostAsJsonAsync("/api/get-mirror-token", new
        {
            user_name = "split-user",
            limits = new[] { new { model_name = "auto", every_minute = 60, limit_count = 2 } },
            chatgpt_list = new[] { "split@example.com" },
        });
        var token = (await issued.Content.ReadFromJsonAsync<JsonArray>())![0]!["mirror_token"]!.GetValue<string>();
        using var user = frontEnd.CreateClient(token);
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await user.ChatAsync($"limited {i}");
            answers.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);

        // The front end keeps a copy of a code's record as a co-hosted node does, and hears of its revocation as one.
        using var adminApi = frontEnd.CreateClient();
        adminApi.DefaultRequestHeaders.Add("adminapi", "split-adminapi-secret");
        (await adminApi.PostAsJsonAsync("/adminapi/createActivationCode", new { code = "SPLIT-OWN-CODE-0001", plan = "plus" })).EnsureSuccessStatusCode();
        using var coder = frontEnd.CreateClient("SPLIT-OWN-CODE-0001");
        using (var before = await coder.ChatAsync("with a code"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        (await adminApi.PostAsJsonAsync("/adminapi/revokeActivationCode", new { code = "SPLIT-OWN-CODE-0001" })).EnsureSuccessStatusCode();
        using (var after = await coder.ChatAsync("after the revocation"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        var membership = await admin.GetFromJsonAsync<JsonObject>("/api/cluster");
        Assert.Equal("front-end", membership!["mode"]!.GetValue<string>());
        Assert.Equal(2, membership["alive"]!.GetValue<int>());
        Assert.DoesNotContain(membership["nodes"]!.AsArray(), n => n!["self"]!.GetValue<bool>());

        // The dashboard lives where the silos are, behind the admin password; the front end has none.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/")).StatusCode);
        var silo = cluster.Nodes.First(n => n.SiloOnly);
        using var anonymous = silo.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/")).StatusCode);
        using var operatorClient = silo.CreateClient();
        operatorClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(GatewayApp.AdminPassword)).ToArray()));
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/dashboard/")).StatusCode);
    }
}
