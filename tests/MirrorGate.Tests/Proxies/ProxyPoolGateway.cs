using MirrorGate.Tests.Infrastructure;
using MirrorGate.Upstream.Proxies;
using MirrorGate.UpstreamSim;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Proxies;

/// <summary>
/// One gateway whose <c>PROXY_URL_POOL</c> holds a loopback HTTP forward proxy, a loopback SOCKS5 proxy (given as
/// <c>socks5h</c>) and a proxy that is down (a port nothing listens on), each with its own password. Probes fetch
/// <c>http://localhost:…</c> (a host name, so the SOCKS proxy shows whether names are resolved remotely), once at start.
/// </summary>
public sealed class ProxyPoolGateway : IAsyncLifetime
{
    public const string HttpPassword = "h-pass-71c9";
    public const string SocksPassword = "s-pass-82da";
    public const string DeadPassword = "d-pass-93eb";

    private readonly TempDirectory _logs = new();

    public GatewayApp App { get; private set; } = null!;

    public UpstreamSimulator Simulator { get; private set; } = null!;

    public LoopbackProxy Http { get; private set; } = null!;

    public LoopbackSocksProxy Socks { get; private set; } = null!;

    public int DeadPort { get; private set; }

    public string HttpUrl => $"http://hank:{HttpPassword}@{Http.Url.Authority}";

    public string SocksUrl => $"socks5h://sam:{SocksPassword}@127.0.0.1:{Socks.Port}";

    public string DeadUrl => $"http://dora:{DeadPassword}@127.0.0.1:{DeadPort}";

    public string LogFile => Path.Combine(_logs.Path, "gateway.json");

    public ProxyPool Pool => App.Services.GetRequiredService<ProxyPool>();

    public async Task InitializeAsync()
    {
        Simulator = await UpstreamSimulator.StartAsync();
        Http = await LoopbackProxy.StartAsync();
        Socks = LoopbackSocksProxy.Start("sam", SocksPassword);
        DeadPort = FreePorts.Next();
        App = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["PROXY_URL_POOL"] = $"{HttpUrl}, {SocksUrl},{DeadUrl}",
            ["Proxies:ProbeUrl"] = $"http://localhost:{Simulator.BaseUrl.Port}/",
            ["Proxies:ProbeTimeout"] = "00:00:05",
            ["Proxies:HealthCheckInterval"] = "01:00:00",
            ["Serilog:MinimumLevel"] = "Debug",
            ["Serilog:WriteTo:0:Name"] = "File",
            ["Serilog:WriteTo:0:Args:path"] = LogFile,
            ["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Json.JsonFormatter, Serilog",
        }, sharedSimulator: Simulator);
    }

    /// <summary>The log so far, read while the gateway still writes it.</summary>
    public async Task<string> ReadLogAsync()
    {
        await using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Http.DisposeAsync();
        await Socks.DisposeAsync();
        await Simulator.DisposeAsync();
        _logs.Dispose();
    }
}
