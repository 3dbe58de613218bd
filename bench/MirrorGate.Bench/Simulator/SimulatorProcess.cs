using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Bench.Gateway;

namespace MirrorGate.Bench.Simulator;

/// <summary>
/// The upstream simulator in its own process on a loopback port, driven through its <c>/_sim/</c>
/// control endpoints. Out of process so that both targets reach it the same way: the direct client
/// from the bench process and the gateway from its process each cross a process boundary per upstream
/// call (in the bench process, the direct client's four calls per turn would be unfairly cheap).
/// </summary>
internal sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _control;

    private SimulatorProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        _control = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUrl { get; }

    public int ProcessId => _process.Id;

    public static async Task<SimulatorProcess> StartAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MirrorGate.UpstreamSim.dll");
        var baseUrl = new Uri($"http://127.0.0.1:{Loopback.FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--urls", baseUrl.ToString().TrimEnd('/'), $"--Simulator:ReplyChunks={options.ReplyChunks}", $"--Simulator:PowDifficulty={options.PowDifficulty}" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_gcServer"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the simulator process.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var simulator = new SimulatorProcess(process, baseUrl);
        await simulator.WaitReadyAsync(cancellationToken);
        return simulator;
    }

    /// <summary>Adds the account, or logs it in again: fresh access and refresh tokens either way.</summary>
    public async Task<(string AccessToken, string RefreshToken)> LoginAsync(string email, CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsJsonAsync("/_sim/accounts", new { email, plan = "plus" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
        return (body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
    }

    /// <summary>Conversation turns served so far, on the newest flow's endpoint.</summary>
    public async Task<int> ConversationTurnsAsync(CancellationToken cancellationToken)
    {
        var body = (await _control.GetFromJsonAsync<JsonObject>("/_sim/calls", cancellationToken))!;
        return body["calls"]!.AsArray().Where(row => row!["endpoint"]!.GetValue<string>() == "f/conversation").Sum(row => row!["count"]!.GetValue<int>());
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The simulator process exited with code {_process.ExitCode}.");
            }

            try
            {
                using var response = await _control.GetAsync("/_sim/calls", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("The simulator did not answer within 60 s.");
    }
}
