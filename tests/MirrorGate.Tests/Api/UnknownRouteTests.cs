using System.Net;
using System.Text;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary>
/// An unknown route under a family's base path answers 404 with a JSON body in that family's shape (issue 7, item 6,
/// fourth bug), whoever asks: the admin set's clients read <c>message</c>, the pass-through's read <c>detail</c>.
/// </summary>
public sealed class UnknownRouteTests
{
    public static TheoryData<string, string, string?> Routes()
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var (method, path, family) in new[]
        {
            ("GET", "/api/no-such-route", "admin"),
            ("POST", "/api/no-such-route", "admin"),
            ("POST", "/api/login/extra", "admin"),
            ("GET", "/api/login", "admin"),
            ("GET", "/secret/api/no-such-route", "admin"),
            ("POST", "/secret/api/no-such-route", "admin"),
            ("GET", "/backend-api/no-such-route", "backend"),
            ("POST", "/backend-api/no-such/route", "backend"),
            ("GET", "/backend-api/conversation", "backend"),
        })
        {
            data.Add(method, path, family == "admin" ? "message" : "detail");
        }

        return data;
    }

    // An empty 404 is unreadable to a client that expects JSON, and looks like a proxy failure rather than a wrong path.
    [Theory]
    [MemberData(nameof(Routes))]
    public async Task An_unknown_route_is_404_with_a_json_body_in_the_family_shape_with_or_without_the_admin_password(string method, string path, string? shape)
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["MIRROR_API_PREFIX"] = "secret" });

        foreach (var bearer in new[] { GatewayApp.AdminPassword, null })
        {
            using var client = app.CreateClient(bearer);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var body = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
            var message = shape == "message" ? body["message"] : body["detail"]?["message"];
            Assert.False(string.IsNullOrWhiteSpace(message?.GetValue<string>()), $"{method} {path} ({(bearer is null ? "no password" : "admin password")}): {text}");
            Assert.Null(body["error"]);
        }
    }
}
