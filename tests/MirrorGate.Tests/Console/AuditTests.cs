using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>The audit log through HTTP: who changed what, secrets removed, reads not recorded.</summary>
public sealed class AuditTests(ConsoleGatewayFixture fixture) : IClassFixture<ConsoleGatewayFixture>
{
    private GatewayApp Gateway => fixture.Gateway;

    [Fact]
    public async Task A_console_change_is_recorded_with_its_name_role_route_target_and_status_but_no_secret()
    {
        var who = "auditor-" + Guid.NewGuid().ToString("N")[..6];
        using var session = await ConsoleHttp.SignInAsync(Gateway, name: who);
        var id = "ch-" + Guid.NewGuid().ToString("N")[..8];
        var added = await session.SendAsync(HttpMethod.Post, "/api/channels", new { id, name = "Audited", base_url = "http://127.0.0.1:9/v1", keys = new[] { "sk-very-secret-value-9876" }, models = new[] { "gpt-4o" } });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync(HttpMethod.Get, "/api/channels")).StatusCode);

        var entries = await EventuallyEntriesAsync(session, who, 1);
        var entry = Assert.Single(entries);
        Assert.Equal("admin", entry["role"]!.GetValue<string>());
        Assert.Equal("POST", entry["method"]!.GetValue<string>());
        Assert.Equal("/api/channels", entry["route"]!.GetValue<string>());
        Assert.Equal(id, entry["target"]!.GetValue<string>());
        Assert.Equal(201, entry["status"]!.GetValue<int>());
        var summary = entry["summary"]!.GetValue<string>();
        Assert.Contains("\"keys\":\"***\"", summary, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"Audited\"", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_with_the_apis_own_secrets_are_recorded_as_admin_api_and_saas_admin_api_and_refusals_keep_their_status()
    {
        using var admin = Gateway.CreateClient(GatewayApp.AdminPassword);
        var user = "audit-user-" + Guid.NewGuid().ToString("N")[..6];
        var refused = await admin.PostAsJsonAsync("/api/set-chatgpt-status", new { chatgpt = user + "@example.com", disabled = true });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using var saas = Gateway.CreateClient();
        saas.DefaultRequestHeaders.Add("adminapi", ConsoleBrowserFixture.SaasSecret);
        var created = await saas.PostAsJsonAsync("/adminapi/createActivationCode", new { user });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonObject>())!["data"]!["activation_code"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await saas.PostAsJsonAsync("/adminapi/revokeActivationCode", new { code })).StatusCode);

        using var reader = await ConsoleHttp.SignInAsync(Gateway, ConsoleBrowserFixture.OperatorPassword);
        var byAdminApi = await EventuallyEntriesAsync(reader, "admin-api", 1, e => e["target"]?.GetValue<string>() == user + "@example.com");
        Assert.Equal(400, byAdminApi.Single()["status"]!.GetValue<int>());

        var bySaas = await EventuallyEntriesAsync(reader, "saas-admin-api", 2, e => e["summary"]!.GetValue<string>().Contains(user, StringComparison.Ordinal) || e["route"]!.GetValue<string>() == "/adminapi/revokeActivationCode");
        var revoke = bySaas.First(e => e["route"]!.GetValue<string>() == "/adminapi/revokeActivationCode");
        Assert.DoesNotContain(code, revoke.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(code[^4..], revoke["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("api", revoke["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reads_and_unauthenticated_attempts_are_not_recorded_and_bad_paging_is_a_400()
    {
        using var session = await ConsoleHttp.SignInAsync(Gateway, ConsoleBrowserFixture.OperatorPassword, name: "reader-only");
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync(HttpMethod.Post, "/adminapi/listActivationCodes", new { })).StatusCode);
        using var stranger = Gateway.CreateClient("wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsJsonAsync("/api/channels", new { })).StatusCode);

        var page = (await (await session.SendAsync(HttpMethod.Get, "/api/audit?actor=reader-only")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(0, page["total"]!.GetValue<long>());

        var bad = await session.SendAsync(HttpMethod.Get, "/api/audit?page_size=5000");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("page_size", (await bad.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    // The summary reads the body into a buffer of the body's size: a declared length, or a chunked body grown as it
    // arrives up to the cap, past which it is only described.
    [Fact]
    public async Task Bodies_of_declared_or_chunked_length_are_summarized_and_a_chunked_one_past_the_cap_is_only_described()
    {
        using var admin = Gateway.CreateClient(GatewayApp.AdminPassword);
        var declared = "declared-" + Guid.NewGuid().ToString("N")[..6] + "@example.com";
        var chunked = "chunked-" + Guid.NewGuid().ToString("N")[..6] + "@example.com";
        var json = new JsonObject { ["chatgpt"] = declared, ["disabled"] = true }.ToJsonString();
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/api/set-chatgpt-status", new StringContent(json, Encoding.UTF8, "application/json"))).StatusCode);
        // JsonContent declares no length, so this goes chunked; 20 KB is past the first buffer, so it has to grow.
        var padded = JsonContent.Create(new { chatgpt = chunked, disabled = true, note = new string('n', 20_000) });
        Assert.Null(padded.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/api/set-chatgpt-status", padded)).StatusCode);
        var huge = JsonContent.Create(new { tokens = new string('x', 300 * 1024) });
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/accounts/import", huge)).StatusCode);

        using var reader = await ConsoleHttp.SignInAsync(Gateway, ConsoleBrowserFixture.OperatorPassword);
        var entries = await EventuallyEntriesAsync(reader, "admin-api", 3, e => e["target"]?.GetValue<string>() is { } t && (t == declared || t == chunked) || e["route"]!.GetValue<string>() == "/api/accounts/import");
        Assert.Contains("\"disabled\":true", entries.Single(e => e["target"]?.GetValue<string>() == declared)["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("\"note\":\"nnn", entries.Single(e => e["target"]?.GetValue<string>() == chunked)["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var described = entries.Single(e => e["route"]!.GetValue<string>() == "/api/accounts/import");
        Assert.Contains("unknown bytes, not recorded", described["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(described["target"]);
    }

    /// <summary>The entry is written just after the answer goes out, so the test waits for it to appear.</summary>
    private static async Task<List<JsonObject>> EventuallyEntriesAsync(ConsoleHttp session, string actor, int count, Func<JsonObject, bool>? match = null)
    {
        List<JsonObject> entries = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var page = (await (await session.SendAsync(HttpMethod.Get, $"/api/audit?actor={Uri.EscapeDataString(actor)}&page_size=200")).Content.ReadFromJsonAsync<JsonObject>())!;
            entries = [.. page["entries"]!.AsArray().Select(e => e!.AsObject()).Where(e => match?.Invoke(e) ?? true)];
            if (entries.Count >= count)
            {
                return entries;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"expected {count} audit entries by {actor}, found {entries.Count}");
        return entries;
    }
}
