using System.Text.RegularExpressions;
using MirrorGate.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Api;

/// <summary>The README's "Endpoints" table names only routes the gateway maps, and each row's call uses its own path.</summary>
public sealed partial class ReadmeEndpointsTests
{
    [Fact]
    public async Task Every_endpoint_in_the_readme_table_is_a_mapped_route_with_a_matching_call()
    {
        var rows = ReadTable();
        Assert.True(rows.Count >= 20, $"the Endpoints table has only {rows.Count} rows");

        await using var app = await GatewayApp.StartAsync();
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => $"{method} {Normalize(e.RoutePattern.RawText ?? string.Empty)}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        foreach (var (method, path, call) in rows)
        {
            Assert.True(mapped.Contains($"{method} {Normalize(path)}") || mapped.Contains($"* {Normalize(path)}"),
                $"README lists {method} {path}, which the gateway does not map");
            var literal = path.Split('{')[0].TrimEnd('/');
            Assert.True(call.Contains("$MG" + (literal.Length == 0 ? "/" : literal), StringComparison.Ordinal), $"the call of {method} {path} does not use its path: {call}");
            // A POST sends a body (JSON, or a multipart form for uploads); a GET sends none.
            Assert.Equal(method == "POST", call.Contains("--json", StringComparison.Ordinal) || call.Contains(" -F ", StringComparison.Ordinal));
        }
    }

    private static List<(string Method, string Path, string Call)> ReadTable()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var readme = File.ReadAllText(Path.Combine(directory.FullName, "README.md"));
        var start = readme.IndexOf("\n## Endpoints\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no Endpoints section");
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return Row().Matches(section).Select(m => (m.Groups["method"].Value, m.Groups["path"].Value, m.Groups["call"].Value)).ToList();
    }

    /// <summary>Route parameters by position, not name; no trailing slash.</summary>
    private static string Normalize(string path) => Parameter().Replace(path.Length > 1 ? path.TrimEnd('/') : path, "{}");

    [GeneratedRegex(@"^\| `(?<method>GET|POST|PUT|DELETE) (?<path>/[^`]*)` \| [^|]+ \| (?<call>.+) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
