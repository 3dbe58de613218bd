using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MirrorGate.Bench.Gateway;

namespace MirrorGate.Bench.Cluster;

/// <summary>
/// One nginx (master and workers) in a temporary prefix, in the foreground (<c>daemon off</c>), listening on one
/// loopback port per front end: front <i>k</i> balances over the first <i>k</i> nodes. The proxy settings are taken
/// from <c>deploy/nginx/mirrorgate.conf</c> (its <c>location</c> block and upstream options, verbatim), with round
/// robin instead of its <c>least_conn</c> unless asked otherwise, so what is measured is the shipped configuration.
/// </summary>
internal sealed partial class NginxProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _binary;
    private readonly DirectoryInfo _prefix;
    private readonly StringBuilder _output = new();

    private NginxProcess(Process process, string binary, DirectoryInfo prefix, IReadOnlyList<Uri> fronts, string version)
    {
        _process = process;
        _binary = binary;
        _prefix = prefix;
        Fronts = fronts;
        Version = version;
    }

    /// <summary>Front <c>k - 1</c> balances over the first <c>k</c> nodes.</summary>
    public IReadOnlyList<Uri> Fronts { get; }

    public string Version { get; }

    public int ProcessId => _process.Id;

    public string ConfigPath => Path.Combine(_prefix.FullName, "nginx.conf");

    public static async Task<NginxProcess> StartAsync(string binary, string shippedConfig, IReadOnlyList<Uri> nodes, bool leastConn, CancellationToken cancellationToken)
    {
        var version = await VersionAsync(binary, cancellationToken);
        var prefix = Directory.CreateTempSubdirectory("mirrorgate-bench-nginx-");
        var fronts = nodes.Select(_ => new Uri($"http://127.0.0.1:{Loopback.FreePort()}")).ToList();
        await File.WriteAllTextAsync(Path.Combine(prefix.FullName, "nginx.conf"), Config(await File.ReadAllTextAsync(shippedConfig, cancellationToken), prefix.FullName, nodes, fronts, leastConn), cancellationToken);

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-p", prefix.FullName + "/", "-c", Path.Combine(prefix.FullName, "nginx.conf"), "-e", Path.Combine(prefix.FullName, "error.log") })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start nginx.");
        var nginx = new NginxProcess(process, binary, prefix, fronts, version);
        process.OutputDataReceived += (_, e) => nginx.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => nginx.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await nginx.WaitListeningAsync(cancellationToken);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Graceful stop through the master; then make sure no worker outlives it.
                using (var quit = Process.Start(new ProcessStartInfo(_binary, ["-p", _prefix.FullName + "/", "-c", ConfigPath, "-e", Path.Combine(_prefix.FullName, "error.log"), "-s", "quit"]) { UseShellExecute = false, RedirectStandardError = true }))
                {
                    if (quit is not null)
                    {
                        await quit.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
                    }
                }

                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Fall through to the kill below.
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            // Gone already, or not stopping: nothing more to do from here.
        }

        _process.Dispose();
        try
        {
            _prefix.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    /// <summary>The whole configuration: a main context of our own around the shipped proxy settings.</summary>
    internal static string Config(string shipped, string prefix, IReadOnlyList<Uri> nodes, IReadOnlyList<Uri> fronts, bool leastConn)
    {
        var upstream = UpstreamBlock().Match(shipped);
        var location = LocationBlock().Match(shipped);
        if (!upstream.Success || !location.Success)
        {
            throw new InvalidOperationException("deploy/nginx/mirrorgate.conf no longer has the 'upstream mirrorgate { … }' and 'location / { … }' blocks this bench reads.");
        }

        // The upstream's options (keepalive, timeouts), without its server lines and balancing method.
        var upstreamOptions = upstream.Groups["body"].Value.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("server ", StringComparison.Ordinal) && l != "least_conn;")
            .ToList();
        var serverOptions = ServerLine().Match(upstream.Groups["body"].Value) is { Success: true } s ? s.Groups["options"].Value : string.Empty;
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# Generated by MirrorGate.Bench --cluster from deploy/nginx/mirrorgate.conf; runs in the foreground in this prefix.");
        md.AppendLine("daemon off;");
        md.AppendLine("worker_processes auto;");
        md.AppendLine(inv, $"pid {prefix}/nginx.pid;");
        md.AppendLine(inv, $"error_log {prefix}/error.log warn;");
        md.AppendLine("events { worker_connections 4096; }");
        md.AppendLine("http {");
        md.AppendLine("    access_log off;");
        foreach (var temp in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            md.AppendLine(inv, $"    {temp}_temp_path {prefix}/{temp}_temp;");
        }

        for (var k = 1; k <= fronts.Count; k++)
        {
            md.AppendLine(inv, $"    upstream mirrorgate_{k} {{");
            if (leastConn)
            {
                md.AppendLine("        least_conn;");
            }

            foreach (var node in nodes.Take(k))
            {
                md.AppendLine(inv, $"        server {node.Authority}{serverOptions};");
            }

            foreach (var option in upstreamOptions)
            {
                md.AppendLine(inv, $"        {option}");
            }

            md.AppendLine("    }");
            md.AppendLine(inv, $"    server {{");
            md.AppendLine(inv, $"        listen {fronts[k - 1].Authority};");
            md.AppendLine("        client_max_body_size 32m;");
            md.AppendLine("        " + location.Value.Replace("http://mirrorgate;", $"http://mirrorgate_{k};", StringComparison.Ordinal).Trim());
            md.AppendLine("    }");
        }

        md.AppendLine("}");
        return md.ToString();
    }

    private static async Task<string> VersionAsync(string binary, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(binary, ["-v"]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })
                ?? throw new InvalidOperationException($"Could not run {binary}.");
            var text = await process.StandardError.ReadToEndAsync(cancellationToken) + await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return text.Trim().Replace("nginx version: ", string.Empty, StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"nginx not found at '{binary}' (pass --nginx PATH, or run bench/cluster.sh, which unpacks Debian's package): {ex.Message}", ex);
        }
    }

    private async Task WaitListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {Output()}");
            }

            try
            {
                foreach (var front in Fronts)
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(front.Host, front.Port, cancellationToken);
                }

                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException($"nginx did not listen within 20 s: {Output()}");
    }

    private string Output()
    {
        lock (_output)
        {
            var log = Path.Combine(_prefix.FullName, "error.log");
            return _output + (File.Exists(log) ? File.ReadAllText(log) : string.Empty);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 8192)
            {
                _output.AppendLine(line);
            }
        }
    }

    [GeneratedRegex(@"upstream\s+mirrorgate\s*\{(?<body>[^}]*)\}", RegexOptions.Singleline)]
    private static partial Regex UpstreamBlock();

    [GeneratedRegex(@"location\s+/\s*\{[^}]*\}", RegexOptions.Singleline)]
    private static partial Regex LocationBlock();

    [GeneratedRegex(@"^\s*server\s+\S+(?<options>[^;]*);", RegexOptions.Multiline)]
    private static partial Regex ServerLine();
}
