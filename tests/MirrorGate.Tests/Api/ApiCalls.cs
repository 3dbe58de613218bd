using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MirrorGate.Tests.Api;

/// <summary>Small request helpers for the raw-HTTP tests.</summary>
internal static class ApiCalls
{
    public static Task<HttpResponseMessage> ChatAsync(this HttpClient client, string prompt, string model = "auto", string? conversationId = null, bool stream = false, bool? hatd = null, string path = "/v1/chat/completions")
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        if (conversationId is not null)
        {
            body["conversation_id"] = conversationId;
        }

        if (hatd is not null)
        {
            body["hatd"] = hatd;
        }

        return client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }, HttpCompletionOption.ResponseHeadersRead);
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public static async Task<string> ContentAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync())["choices"]![0]!["message"]!["content"]!.GetValue<string>();
}
