using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// Runs one script of <c>tests/js</c> (the npm <c>openai</c> package, installed by <c>deploy/test.sh</c> with <c>npm ci</c>)
/// and reads the one JSON line it prints; a non-zero exit fails the test with the script's stderr.
/// </summary>
public static class NodeScript
{
    public static async Task<JsonNode> RunAsync(string script, params string[] arguments)
    {
        var scripts = Path.Combine(RepositoryRoot(), "tests", "js");
        Assert.True(Directory.Exists(Path.Combine(scripts, "node_modules", "openai")), "tests/js/node_modules is missing: deploy/test.sh installs it (npm ci in tests/js).");
        var start = new ProcessStartInfo("node") { WorkingDirectory = scripts, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(node.ExitCode == 0, $"node {script} failed ({node.ExitCode}): {await errors}");
        return JsonNode.Parse(await output)!;
    }

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orleans.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Orleans.sln) is not above " + AppContext.BaseDirectory);
    }
}
