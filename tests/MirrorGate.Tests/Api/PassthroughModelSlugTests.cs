using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary><c>/backend-api/conversation</c> maps the payload's <c>model</c> through the catalog (issue 7, item 6, first bug).</summary>
public sealed class PassthroughModelSlugTests
{
    private static readonly object[] OneAutoPerHour = [new { model_name = "auto", every_minute = 60, limit_count = 1 }];

    private static Dictionary<string, object?> Payload(string prompt, string model) => new()
    {
        ["action"] = "next",
        ["model"] = model,
        ["messages"] = new[] { new { id = Guid.NewGuid().ToString(), author = new { role = "user" }, content = new { content_type = "text", parts = new[] { prompt } } } },
        ["parent_message_id"] = "client-created-root",
        ["history_and_training_disabled"] = false,
    };

    // The reproduction: a slug the catalog does not know slipped past the user's limits (3 of 3 answers after a 429).
    [Fact]
    public async Task An_unknown_slug_from_a_limited_user_is_refused_with_400_after_the_limit_was_reached()
    {
        await using var recorder = await UpstreamRecorder.StartAsync();
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["ChatGpt:BackendBaseUrl"] = recorder.BaseUrl.ToString() });
        recorder.Target = app.Simulator.BaseUrl;
        await app.AddPooledAccountAsync("slug-limit@example.com");
        using var client = app.CreateClient(await app.MirrorTokenAsync("slug-limited-user", "slug-limit@example.com", OneAutoPerHour));

        using var first = await client.PostAsJsonAsync("/backend-api/conversation", Payload("first", "auto"));
        var firstText = await first.Content.ReadAsStringAsync();
        using var second = await client.PostAsJsonAsync("/backend-api/conversation", Payload("second", "auto"));
        var secondBody = await second.JsonAsync();
        var unknown = new List<(HttpStatusCode Status, string Body)>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsJsonAsync("/backend-api/conversation", Payload($"sneaky {i}", "gpt-5-2"));
            unknown.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("data: [DONE]", firstText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("model_limit_exceeded", secondBody["detail"]!["code"]!.GetValue<string>());
        Assert.All(unknown, r =>
        {
            Assert.True(r.Status == HttpStatusCode.BadRequest, $"gpt-5-2 answered {(int)r.Status}: {r.Body[..Math.Min(r.Body.Length, 300)]}");
            var body = System.Text.Json.Nodes.JsonNode.Parse(r.Body)!.AsObject();
            Assert.Null(body["error"]);
            Assert.Contains("gpt-5-2", body["detail"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(body["detail"]!["code"]?.GetValue<string>()));
        });
        Assert.Single(recorder.Conversations);
    }

    // The catalog's id is what clients say; the upstream only knows the slug (gpt-3.5-turbo has no web slug of its own).
    [Fact]
    public async Task A_catalog_model_is_sent_upstream_as_its_slug_for_a_pool_caller()
    {
        await using var recorder = await UpstreamRecorder.StartAsync();
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["ChatGpt:BackendBaseUrl"] = recorder.BaseUrl.ToString() });
        recorder.Target = app.Simulator.BaseUrl;
        await app.AddPooledAccountAsync("slug-pool@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.PostAsJsonAsync("/backend-api/conversation", Payload("old name", "gpt-3.5-turbo"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data: [DONE]", text, StringComparison.Ordinal);
        var sent = Assert.Single(recorder.Conversations);
        Assert.Equal("auto", sent.Body["model"]!.GetValue<string>());
    }
}
