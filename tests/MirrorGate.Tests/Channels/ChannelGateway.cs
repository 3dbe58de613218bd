using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Usage;
using MirrorGate.OpenAiSim;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Channels;

/// <summary>
/// A gateway in front of an OpenAI-compatible simulator, shared by the tests of one class: each test defines its own
/// channels and models (named after the test), so the tests do not see each other's keys, cool-downs or users. Every
/// usage record the gateway stores is also kept here, for exactly-once assertions.
/// </summary>
public class ChannelGateway : IAsyncLifetime
{
    private readonly bool _kestrel;
    private readonly TimeProvider? _time;
    private readonly IDictionary<string, string?>? _settings;

    public ChannelGateway()
        : this(kestrel: true, time: null)
    {
    }

    protected ChannelGateway(bool kestrel, TimeProvider? time, IDictionary<string, string?>? settings = null)
    {
        _kestrel = kestrel;
        _time = time;
        _settings = settings;
    }

    public GatewayApp App { get; private set; } = null!;

    public OpenAiSimulator Sim { get; private set; } = null!;

    public ConcurrentQueue<UsageRecord> Usage { get; } = new();

    public async Task InitializeAsync()
    {
        Sim = await OpenAiSimulator.StartAsync();
        App = await GatewayApp.StartAsync(_settings, time: _time, kestrel: _kestrel, services: services =>
        {
            // Keep what the ledger stores (it still stores it): records are asserted per request id.
            var original = services.Last(d => d.ServiceType == typeof(IUsageLedger));
            services.Add(ServiceDescriptor.Singleton<IUsageLedger>(sp => new RecordingLedger((IUsageLedger)original.ImplementationFactory!(sp), Usage)));
        });
        await App.AddPooledAccountAsync(OwnerEmail);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Sim.DisposeAsync();
    }

    /// <summary>Adds a channel through the admin API; its keys are made valid at the simulator first.</summary>
    public async Task<JsonObject> AddChannelAsync(string id, string[] keys, string[] models, object? mapping = null, int weight = 1, int priority = 0)
    {
        foreach (var key in keys)
        {
            Sim.AddKey(key);
        }

        using var admin = App.CreateClient(GatewayApp.AdminPassword);
        var response = await admin.PostAsJsonAsync("/api/channels", new { id, name = "channel " + id, base_url = Sim.BaseUrl.ToString(), keys, models, model_mapping = mapping, weight, priority });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"adding channel {id} failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<ChannelKeySnapshot> KeyAsync(string channelId, int index) =>
        await App.Grains.GetGrain<IChannelKeyGrain>(ChannelIds.ForKey(channelId, index)).GetSnapshotAsync()
        ?? throw new InvalidOperationException($"key {index} of {channelId} is not configured");

    /// <summary>
    /// A mirror token for <paramref name="userName"/> with <paramref name="limits"/> (chatgpt-gateway's fields plus
    /// <c>tpm</c> and <c>concurrency</c>), through <c>/api/get-mirror-token</c>. The token is bound to the pooled ChatGPT
    /// account, which channel models do not use.
    /// </summary>
    public Task<string> UserTokenAsync(string userName, object limits) => App.MirrorTokenAsync(userName, OwnerEmail, limits);

    public const string OwnerEmail = "channel-owner@example.com";

    private sealed class RecordingLedger(IUsageLedger inner, ConcurrentQueue<UsageRecord> seen) : IUsageLedger
    {
        public async Task<System.Collections.Immutable.ImmutableArray<bool>> RecordAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
        {
            var stored = await inner.RecordAsync(records, cancellationToken);
            for (var i = 0; i < records.Count; i++)
            {
                if (stored[i])
                {
                    seen.Enqueue(records[i]);
                }
            }

            return stored;
        }

        public Task<long> CountUserAsync(string userName, DateTimeOffset since, CancellationToken cancellationToken = default) => inner.CountUserAsync(userName, since, cancellationToken);

        public Task<System.Collections.Immutable.ImmutableArray<HourlyCount>> CountAccountHourlyAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            inner.CountAccountHourlyAsync(accountId, since, cancellationToken);

        public Task<System.Collections.Immutable.ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default) =>
            inner.QueryAsync(query, cancellationToken);
    }
}
