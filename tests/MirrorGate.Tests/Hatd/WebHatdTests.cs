using System.Net;
using System.Net.Http.Json;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Hatd;

/// <summary>chatgpt-gateway's <c>WEB_HATD</c>: the default of <c>history_and_training_disabled</c> on the web pass-through.</summary>
public sealed class WebHatdTests
{
    public static TheoryData<string?, bool?, bool> Cases => new()
    {
        // WEB_HATD, the payload's history_and_training_disabled, what goes upstream
        { null, null, false },
        { "true", null, true },
        { "1", false, false },
        { "false", true, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task WEB_HATD_is_the_pass_through_default_and_the_payload_wins(string? webHatd, bool? sent, bool upstream)
    {
        await using var recorder = await UpstreamRecorder.StartAsync();
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["WEB_HATD"] = webHatd,
            ["ChatGpt:BackendBaseUrl"] = recorder.BaseUrl.ToString(),
        });
        recorder.Target = app.Simulator.BaseUrl;
        await app.AddPooledAccountAsync("web-hatd@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        var payload = new Dictionary<string, object?>
        {
            ["action"] = "next",
            ["model"] = "auto",
            ["messages"] = new[] { new { id = Guid.NewGuid().ToString(), author = new { role = "user" }, content = new { content_type = "text", parts = new[] { "web" } } } },
            ["parent_message_id"] = "client-created-root",
        };
        if (sent is { } value)
        {
            payload["history_and_training_disabled"] = value;
        }

        using var response = await client.PostAsJsonAsync("/backend-api/conversation", payload);
        await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversation = Assert.Single(recorder.Conversations);
        Assert.Equal(upstream, conversation.Body["history_and_training_disabled"]!.GetValue<bool>());
    }
}
