using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Console;

/// <summary>A console session driven by hand over HTTP: the cookie and the CSRF token, as the console's script sends them.</summary>
internal sealed class ConsoleHttp(HttpClient client, string cookie, string csrfToken) : IDisposable
{
    public HttpClient Client { get; } = client;

    public string Cookie { get; } = cookie;

    public string CsrfToken { get; } = csrfToken;

    public static async Task<ConsoleHttp> SignInAsync(GatewayApp gateway, string password = GatewayApp.AdminPassword, string? name = null)
    {
        var client = gateway.CreateClient();
        var response = await client.PostAsJsonAsync("/console/session", name is null ? new { password } : (object)new { password, name });
        Assert.True(response.IsSuccessStatusCode, $"sign-in failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        var cookie = setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return new ConsoleHttp(client, cookie, body["csrf_token"]!.GetValue<string>());
    }

    /// <summary>Sends with the session cookie; with the CSRF header unless <paramref name="csrf"/> is false; with an Origin when given.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? json = null, bool csrf = true, string? origin = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content ?? (json is null ? null : JsonContent.Create(json)) };
        request.Headers.Add("Cookie", Cookie);
        if (csrf)
        {
            request.Headers.Add("X-CSRF-Token", CsrfToken);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return Client.SendAsync(request);
    }

    public void Dispose() => Client.Dispose();
}
