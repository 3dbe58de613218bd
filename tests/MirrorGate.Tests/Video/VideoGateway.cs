using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.Tests.Platform;
using MirrorGate.ViduSim;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Video;

/// <summary>
/// One gateway on a real loopback socket (Vidu calls it back) in front of a Vidu simulator, shared by the video tests
/// of a class; each test uses an org of its own. Three video products are set up through the admin API, priced per
/// second by resolution: <see cref="TextModel"/> (文生视频), <see cref="ImageModel"/> (图生视频), <see cref="ReferenceModel"/> (参考生视频).
/// </summary>
public class VideoGateway : IAsyncLifetime
{
    public const string TextModel = "vidu-t2v";
    public const string ImageModel = "vidu-i2v";
    public const string ReferenceModel = "vidu-r2v";

    /// <summary>0.5 a second at 720p, 1 at 1080p, 0.2 at 540p; audio adds a flat 1.</summary>
    public const string Table = """
        unit_values: {秒: 1}
        pricings:
        - {price_factors: duration, unit_prices: 0.2, unit: 秒, filters: [{SR: 540}]}
        - {price_factors: duration, unit_prices: 0.5, unit: 秒, filters: [{SR: 720}]}
        - {price_factors: duration, unit_prices: 1.0, unit: 秒, filters: [{SR: 1080}]}
        - {price_factors: flat, unit_prices: 1, filters: [{audio: true}]}
        """;

    private readonly IDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public VideoGateway()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <param name="services">Replaces gateway services, as <see cref="GatewayApp.StartAsync"/> does (e.g. a failing store).</param>
    protected VideoGateway(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _services = services;
    }

    public GatewayApp App { get; private set; } = null!;

    public ViduSimulator Vidu { get; private set; } = null!;

    public ILedgerStore Ledger => App.Services.GetRequiredService<ILedgerStore>();

    public async Task InitializeAsync()
    {
        Vidu = await ViduSimulator.StartAsync();
        var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:" + port,
            ["Vidu:BaseUrl"] = Vidu.BaseUrl.ToString(),
            ["Vidu:ApiToken"] = Vidu.ApiToken,
            ["Video:CallbackBaseUrl"] = "http://127.0.0.1:" + port,
            ["Video:StreamInterval"] = "00:00:00.100",
            ["Video:Models:" + TextModel + ":Type"] = "文生视频",
            ["Video:Models:" + ImageModel + ":Type"] = "图生视频",
            ["Video:Models:" + ReferenceModel + ":Type"] = "参考生视频",
            ["VideoTasks:PollPeriod"] = "00:00:00.500",
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        App = await GatewayApp.StartAsync(settings, services: _services, kestrel: true);
        using var admin = App.CreateClient(GatewayApp.AdminPassword);
        (await admin.PostAsJsonAsync("/api/pricing/programs", new { id = "pp-vidu", name = "Vidu per second", ownerid = "0", timings = new[] { new { pricing_data = Table } } })).EnsureSuccessStatusCode();
        foreach (var (llmid, model) in new[] { (TextModel, "viduq2"), (ImageModel, "viduq2-pro"), (ReferenceModel, "viduq2") })
        {
            (await admin.PostAsJsonAsync("/api/pricing/llms", new { llmid, name = "Vidu " + llmid, model, ppid = "pp-vidu", ownerid = "0" })).EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Vidu.DisposeAsync();
    }

    /// <summary>A new org holding <paramref name="funds"/>, and a logged-in user of it.</summary>
    public async Task<(string Org, HttpClient Session)> CustomerAsync(decimal funds)
    {
        var org = LedgerGateway.NewOrg();
        if (funds > 0)
        {
            var wallet = App.Grains.GetGrain<IWalletGrain>(org);
            var orderId = "fund-" + Guid.NewGuid().ToString("N");
            Assert.True(await wallet.CreateRechargeOrderAsync(orderId, "user-1", funds, "test"));
            Assert.Equal(WalletOutcome.Done, (await wallet.RechargeAsync(orderId, funds)).Outcome);
        }

        return (org, await App.LoggedInAsync(org));
    }

    /// <summary>Posts <c>vidu_inference</c> and reads every NDJSON line to the end of the stream.</summary>
    public static async Task<List<JsonObject>> InferAsync(HttpClient session, object body)
    {
        using var response = await session.PostAsJsonAsync("/llmage/vidu_inference.dspy", body);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/x-ndjson", $"an NDJSON stream, not {response.Content.Headers.ContentType}: {text}");
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject())];
    }

    public static async Task<JsonObject> DspyAsync(HttpClient session, string path, object? body = null)
    {
        using var response = body is null ? await session.GetAsync(path) : await session.PostAsJsonAsync(path, body);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<WalletBalance> BalanceAsync(GatewayApp app, string org) => await app.Grains.GetGrain<IWalletGrain>(org).GetBalanceAsync();

    /// <summary>The ledger agrees with the wallet: its balance account equals the sum of its postings, and nothing is held.</summary>
    public async Task AssertLedgerAsync(string org, decimal expected)
    {
        var micros = (long)(expected * 1_000_000m);
        Assert.Equal(new WalletBalance(expected, 0m), await BalanceAsync(App, org));
        Assert.Equal(micros, await Ledger.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
        Assert.Equal(micros, await Ledger.BalanceAsync(new LedgerAccount(org, LedgerActions.Subjects.Balance)));
        Assert.Equal(0, await Ledger.SumPostingsAsync(new LedgerAccount(org, LedgerActions.Subjects.Held)));
    }

    public async Task<List<OrderRow>> PaymentsAsync(string org) =>
        [.. (await App.Grains.GetGrain<IWalletGrain>(org).QueryOrdersAsync(1, 1000)).Rows.Where(o => o.BusinessOp == LedgerActions.Pay)];
}
