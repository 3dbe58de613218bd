using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;
using MirrorGate.Api.Channels;
using MirrorGate.Api.Observability;
using MirrorGate.Api.Pool;

namespace MirrorGate.Bench.Micro;

/// <summary>
/// What the observability recording adds to every request (issue 9 measures CPU per request): the handlers' record
/// object set and read as a feature, and the one recording point — request counter, added-latency histogram and live
/// view — for a request on an already-seen (route, model, key, status).
/// </summary>
[MemoryDiagnoser]
public class RecordingBenchmarks
{
    private readonly DefaultHttpContext _context = new();
    private GatewayMetrics _metrics = null!;
    private RequestRecord _record = null!;

    [GlobalSetup]
    public void Setup()
    {
        var accounts = new AccountPool(new FixedPoolOptions(), TimeProvider.System);
        _metrics = new GatewayMetrics(new LiveStats(TimeProvider.System), accounts, new ChannelPool(accounts, TimeProvider.System));
        _context.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/v1/chat/completions"), 0, EndpointMetadataCollection.Empty, "chat"));
        _context.Response.StatusCode = 200;
        _record = new RequestRecord { Model = "gpt-4o-mini", KeyId = "mock/0", User = "bench-user" };
        _metrics.Record(_context, _record, 1000);
    }

    /// <summary>The middleware's part: a record per request, set as a feature, found again by a handler.</summary>
    [Benchmark]
    public RequestRecord? NewRecordAsFeature()
    {
        var record = new RequestRecord();
        _context.Features.Set(record);
        return RequestRecord.Of(_context);
    }

    /// <summary>Counters, histogram and live view for one finished request.</summary>
    [Benchmark]
    public void RecordFinishedRequest() => _metrics.Record(_context, _record, 12_345);

    private sealed class FixedPoolOptions : IOptionsMonitor<PoolOptions>
    {
        public PoolOptions CurrentValue { get; } = new();

        public PoolOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<PoolOptions, string?> listener) => null;
    }
}
