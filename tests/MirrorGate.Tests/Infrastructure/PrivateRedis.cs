using System.Diagnostics;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A Redis server of one test's own, started with <c>deploy/redis.sh</c> on a free port, so the test may stop and
/// restart it without disturbing the shared test server. It keeps its data across a restart (append-only file), as a
/// production membership store would.
/// </summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly int _port = FreePorts.Next();

    private PrivateRedis()
    {
    }

    public string ConnectionString { get; private set; } = string.Empty;

    public static async Task<PrivateRedis> StartAsync()
    {
        var server = new PrivateRedis();
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again, on the same port and data).</summary>
    public async Task StartAgainAsync() => ConnectionString = (await ScriptAsync("start")).Trim();

    /// <summary>Stops the server: open connections are cut, new ones refused.</summary>
    public Task StopAsync() => ScriptAsync("stop");

    public async ValueTask DisposeAsync()
    {
        await ScriptAsync("stop");
        _folder.Dispose();
    }

    private async Task<string> ScriptAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(NodeProcess.RepositoryRoot, "deploy", "redis.sh"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add($"--port={_port}");
        start.ArgumentList.Add($"--dir={Path.Combine(_folder.Path, "redis")}");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"deploy/redis.sh {command} failed: {await errors}");
        return await output;
    }
}
