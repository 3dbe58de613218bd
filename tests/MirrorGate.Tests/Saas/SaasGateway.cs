using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Saas;

/// <summary>One gateway with the <c>/adminapi</c> secret set, shared by a test class (each test uses its own names).</summary>
public sealed class SaasGateway : IAsyncLifetime
{
    public const string Secret = "adminapi-test-secret";

    public GatewayApp App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["SaasAdmin:Secret"] = Secret });

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>POSTs form-data to an <c>/adminapi</c> route with the right header (or <paramref name="header"/>; "" sends none).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string route, IEnumerable<KeyValuePair<string, string>> fields, string? header = Secret)
    {
        using var client = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, route);
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        // No fields: no body (an empty multipart body has a section without headers, which is malformed).
        request.Content = form.Any() ? form : null;
        if (!string.IsNullOrEmpty(header))
        {
            request.Headers.Add("adminapi", header);
        }

        return await client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostFormAsync(string route, params (string Name, string Value)[] fields) =>
        PostFormAsync(route, fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    public async Task<HttpResponseMessage> PostJsonAsync(string route, object body)
    {
        using var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("adminapi", Secret);
        return await client.PostAsJsonAsync(route, body);
    }

    /// <summary>A new activation code through the admin API; returns the code.</summary>
    public async Task<string> CreateCodeAsync(object body)
    {
        using var response = await PostJsonAsync("/adminapi/createActivationCode", body);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode && json["code"]!.GetValue<int>() == 1, json.ToJsonString());
        return json["data"]!["activation_code"]!.GetValue<string>();
    }
}
