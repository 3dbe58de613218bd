using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace MirrorGate.Tests.Observability;

/// <summary>
/// <c>/openapi/v1.json</c> is a valid OpenAPI document (read and validated by Microsoft.OpenApi) that lists every admin
/// and platform route the app maps — compared with the app's own endpoint table, so a route any branch adds is caught —
/// and <c>/scalar</c> shows it without loading anything from another site.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed partial class OpenApiTests(ObservabilityGateway gateway)
{
    [Fact]
    public async Task The_document_is_valid_OpenAPI_and_lists_every_admin_and_platform_route()
    {
        using var client = gateway.App.CreateClient();
        var text = await client.GetStringAsync("/openapi/v1.json");

        var read = OpenApiDocument.Parse(text, "json");
        Assert.Empty(read.Diagnostic!.Errors);
        var document = read.Document!;
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => e.ToString())));
        Assert.Equal("MirrorGate", document.Info.Title);

        var mapped = gateway.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !e.RoutePattern.Parameters.Any(p => p.IsCatchAll))
            .Select(e => (Path: OpenApiPath(e.RoutePattern), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => e.Path.StartsWith("/api/", StringComparison.Ordinal) || e.Path.StartsWith("/adminapi/", StringComparison.Ordinal) || e.Path.EndsWith(".dspy", StringComparison.Ordinal))
            .ToList();
        Assert.True(mapped.Count > 40, $"the admin and platform sets map dozens of routes ({mapped.Count} found)");
        Assert.Contains(mapped, e => e.Path == "/api/stats/live");

        var missing = new List<string>();
        foreach (var (path, methods) in mapped)
        {
            if (!document.Paths.TryGetValue(path, out var item))
            {
                missing.Add(path);
                continue;
            }

            foreach (var method in methods)
            {
                if (item.Operations?.ContainsKey(new HttpMethod(method)) != true)
                {
                    missing.Add(method + " " + path);
                }
            }
        }

        Assert.True(missing.Count == 0, "not in the OpenAPI document:\n" + string.Join("\n", missing));

        // The gateway-defined routes are there too, and the families' catch-all 404s are not.
        Assert.Contains("/v1/chat/completions", document.Paths.Keys);
        Assert.Contains("/metrics", document.Paths.Keys);
        Assert.DoesNotContain(document.Paths.Keys, p => p.Contains("{path}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_reference_page_loads_its_script_from_the_gateway_itself()
    {
        using var client = gateway.App.CreateClient();

        var page = await client.GetAsync("/scalar");
        if (page.StatusCode is HttpStatusCode.Found or HttpStatusCode.MovedPermanently && page.Headers.Location is { } location)
        {
            page = await client.GetAsync(location);
        }

        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(html.Contains("openapi/v1.json", StringComparison.Ordinal), html);
        var sources = Source().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.DoesNotContain("//", s, StringComparison.Ordinal));
        foreach (var source in sources)
        {
            var script = await client.GetAsync(new Uri(new Uri(gateway.App.BaseAddress, "/scalar/"), source));
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"{source}: {(int)script.StatusCode}");
        }
    }

    /// <summary>A route pattern as OpenAPI writes its path: parameters by name, without constraints or defaults.</summary>
    private static string OpenApiPath(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => string.Empty,
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"(?<url>[^\"]+)\"")]
    private static partial Regex Source();
}
