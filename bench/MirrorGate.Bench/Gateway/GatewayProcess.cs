using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace MirrorGate.Bench.Gateway;

/// <summary>
/// The real gateway (<c>MirrorGate.Api.dll</c>) in its own process on a loopback port, with its own data folder and
/// silo port, pointed at the simulator. Its memory and CPU are read from the process (<c>/proc</c>): a sampler keeps the largest resident set seen in the current window.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    public const string ServiceKey = "bench";
    public const string AdminPassword = "bench-admin";

    private readonly Process _process;
    private readonly DirectoryInfo _data;
    private readonly CancellationTokenSource _stopSampling = new();
    private readonly Task _sampler;
    private readonly Queue<string> _lastLines = new();
    private long _outputLines;
    private long _windowPeakRss;

    private GatewayProcess(Process process, DirectoryInfo data, Uri baseAddress)
    {
        _process = process;
        _data = data;
        BaseAddress = baseAddress;
        _sampler = Task.Run(SampleAsync);
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>Lines the gateway wrote to stdout and stderr (the console log).</summary>
    public long OutputLines => Interlocked.Read(ref _outputLines);

    /// <param name="extraSettings">Settings of this process only (<c>--Key=Value</c>), after the common ones (the last value of a key wins).</param>
    /// <param name="extraEnvironment">Environment variables of this process only.</param>
    public static async Task<GatewayProcess> StartAsync(string gatewayDll, Uri simulator, GatewayLogging logging, BenchOptions options, CancellationToken cancellationToken,
        IReadOnlyList<string>? extraSettings = null, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        if (!File.Exists(gatewayDll))
        {
            throw new FileNotFoundException("Gateway assembly not found; build the benchmark first (it references the api project).", gatewayDll);
        }

        var data = Directory.CreateTempSubdirectory("mirrorgate-bench-");
        var port = Loopback.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(gatewayDll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            gatewayDll,
            "--urls", baseAddress.ToString().TrimEnd('/'),
            $"--Silo:DataDirectory={data.FullName}",
            // Every node hosts an Orleans silo: one port of its own (an embedded silo's localhost clustering too), so
            // that several gateways of the bench, or another program's silo on the default 11111, never collide.
            $"--Cluster:SiloPort={Loopback.FreePort()}",
            $"--ChatGpt:BackendBaseUrl={simulator}",
            $"--ChatGpt:AuthBaseUrl={simulator}",
            $"--Gateway:ServiceKey={ServiceKey}",
            $"--Gateway:AdminPassword={AdminPassword}",
            $"--Serilog:MinimumLevel={(logging == GatewayLogging.Information ? "Information" : "Warning")}",
            "--Serilog:WriteTo:0:Name=Console",
        })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var setting in options.GatewaySettings.Concat(extraSettings ?? []))
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in options.GatewayEnvironment.Concat(extraEnvironment ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the gateway process.");
        var gateway = new GatewayProcess(process, data, baseAddress);
        process.OutputDataReceived += (_, e) => gateway.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await gateway.WaitReadyAsync(cancellationToken);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>Imports a simulator account into the pool through the admin API, as an operator would.</summary>
    public async Task ImportAccountAsync(string refreshToken, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminPassword);
        using var response = await http.PostAsJsonAsync("/api/get-user-info", new Dictionary<string, string> { ["chatgpt_token"] = refreshToken }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Importing the account failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>
    /// Waits until this node's view of the membership (<c>GET /api/cluster</c>, Orleans' management grain) shows
    /// <paramref name="count"/> active silos: a cluster node answers <c>/ping</c> before the others have joined it.
    /// </summary>
    public async Task WaitForSilosAsync(int count, TimeSpan within, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminPassword);
        var deadline = Stopwatch.StartNew();
        var seen = "nothing yet";
        while (deadline.Elapsed < within)
        {
            try
            {
                using var response = await http.GetAsync("/api/cluster", cancellationToken);
                seen = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
                if (response.IsSuccessStatusCode
                    && System.Text.Json.Nodes.JsonNode.Parse(seen[4..])?["alive"]?.GetValue<int>() == count)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                seen = ex.Message;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"The node on {BaseAddress} did not see {count} active silos within {within.TotalSeconds:F0} s; last answer: {seen}{Environment.NewLine}{LastOutput()}");
    }

    /// <summary>Resident set now, in bytes.</summary>
    public long CurrentRss() => ProcFs.StatusBytes(_process.Id, "VmRSS");

    /// <summary>The kernel's high-water mark of the resident set over the process's life (VmHWM), in bytes.</summary>
    public long LifetimePeakRss() => ProcFs.StatusBytes(_process.Id, "VmHWM");

    /// <summary>User + system CPU time the process has used so far.</summary>
    public TimeSpan CpuTime() => ProcFs.CpuTime(_process.Id);

    /// <summary>Starts a new window for <see cref="EndWindow"/>'s peak.</summary>
    public void BeginWindow() => Interlocked.Exchange(ref _windowPeakRss, CurrentRss());

    /// <summary>The largest resident set sampled (every 25 ms) since <see cref="BeginWindow"/>.</summary>
    public long EndWindow() => Math.Max(Interlocked.Read(ref _windowPeakRss), CurrentRss());

    /// <summary>Whether the process still runs, or how it ended.</summary>
    public string Describe() => _process.HasExited ? $"pid {_process.Id} exited with code {_process.ExitCode}" : $"pid {_process.Id} running";

    public string LastOutput()
    {
        lock (_lastLines)
        {
            return string.Join(Environment.NewLine, _lastLines);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopSampling.CancelAsync();
        await _sampler;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone, or not stopping: nothing more to do from here.
        }

        _process.Dispose();
        _stopSampling.Dispose();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS eventually.
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with {_process.ExitCode}:{Environment.NewLine}{LastOutput()}");
            }

            try
            {
                using var response = await http.GetAsync("/ping", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The gateway did not answer /ping within 60 s:{Environment.NewLine}{LastOutput()}");
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopSampling.Token))
            {
                var rss = CurrentRss();
                long seen;
                do
                {
                    seen = Interlocked.Read(ref _windowPeakRss);
                }
                while (rss > seen && Interlocked.CompareExchange(ref _windowPeakRss, rss, seen) != seen);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _outputLines);
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 20)
            {
                _lastLines.Dequeue();
            }
        }
    }
}
