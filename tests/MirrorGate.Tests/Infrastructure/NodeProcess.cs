using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A node in a child process (the api project's build output, or the silo-only host's), for what an in-process host
/// cannot show: being killed outright, with no graceful stop and no goodbye, and several silos that really are
/// separate processes talking over TCP.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TempDirectory _data;

    private NodeProcess(Process process, TempDirectory data, Uri baseUrl, bool siloOnly)
    {
        _process = process;
        _data = data;
        BaseUrl = baseUrl;
        SiloOnly = siloOnly;
    }

    /// <summary>Whether this is the silo-only host (it serves no API, only /ping and the dashboard).</summary>
    public bool SiloOnly { get; }

    public Uri BaseUrl { get; }

    public int ProcessId => _process.Id;

    /// <summary>What the node printed (warnings and errors), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a node with <paramref name="settings"/> as command-line switches and waits until it answers.</summary>
    /// <param name="siloOnly">Run the silo-only host (<c>silo/</c>) instead of the gateway.</param>
    public static async Task<NodeProcess> StartAsync(IDictionary<string, string?> settings, bool siloOnly = false)
    {
        var port = FreePorts.Next();
        var data = new TempDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(siloOnly ? BuiltAssembly("silo", "MirrorGate.Silo.dll") : BuiltAssembly("api", "MirrorGate.Api.dll"));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add($"--Silo:DataDirectory={data.Path}");
        start.ArgumentList.Add("--Serilog:MinimumLevel=Warning");

        // Token files are read from the working directory by default: a test node reads none unless a test says where.
        start.ArgumentList.Add("--TokenFiles:Enabled=false");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new NodeProcess(process, data, new Uri($"http://127.0.0.1:{port}"), siloOnly);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await node.WaitUntilAnsweringAsync();
            return node;
        }
        catch
        {
            // A node that did not come up is killed here: nobody else holds it, and left running it would keep its
            // ports and its cluster membership long after the test (seen: four orphans from one failed start).
            await node.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var probe = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, "The node process exited during start:\n" + Output);
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "The node process did not answer /ping within 60 s:\n" + Output);
            try
            {
                using var ping = await probe.GetAsync("/ping");
                if (ping.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }
    }

    public HttpClient CreateClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>SIGKILL: the process ends at once, mid-request, holding whatever it held.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _data.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>The repository these tests were built from (tests/MirrorGate.Tests/bin/&lt;configuration&gt;/&lt;framework&gt; is five levels down).</summary>
    public static string RepositoryRoot =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>A project's build output for the configuration these tests were built in.</summary>
    private static string BuiltAssembly(string project, string file)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryRoot, project, "bin", testBin.Parent!.Name, testBin.Name, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.", path);
    }
}
