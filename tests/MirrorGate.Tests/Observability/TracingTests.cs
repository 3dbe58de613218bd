using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using MirrorGate.OpenAiSim;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace MirrorGate.Tests.Observability;

/// <summary>
/// With <c>Telemetry:OtlpEndpoint</c> set: a chat request relayed to a channel makes one server span with child spans
/// for its grain calls and its upstream HTTP call (checked on the in-memory exporter), the OTLP exporter really
/// delivers spans to a loopback collector, and no secret — the caller's token, the channel key, an admin password
/// in a query string — is in the bytes it sent.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private const string ChannelKey = "sk-trace-channel-secret-4711";
    private const string Model = "trace-model";

    private readonly OtlpReceiver _receiver = new();
    private readonly List<Activity> _spans = [];
    private OpenAiSimulator _sim = null!;
    private GatewayApp _app = null!;

    public async Task InitializeAsync()
    {
        _sim = await OpenAiSimulator.StartAsync();
        _sim.AddKey(ChannelKey);
        _app = await GatewayApp.StartAsync(
            new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = _receiver.BaseUrl.ToString() },
            services: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)));
        await _app.AddPooledAccountAsync("trace-owner@example.com");
        using var admin = _app.CreateClient(GatewayApp.AdminPassword);
        (await admin.PostAsJsonAsync("/api/channels", new { id = "trace", name = "trace", base_url = _sim.BaseUrl.ToString(), keys = new[] { ChannelKey }, models = new[] { Model } })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sim.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_relayed_chat_is_one_server_span_with_grain_and_upstream_child_spans_exported_without_secrets()
    {
        var user = await _app.MirrorTokenAsync("trace-user", "trace-owner@example.com", new[] { new { model_name = Model, every_minute = 1, limit_count = 5 } });
        using var client = _app.CreateClient(user);
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?debug_token=query-secret-0815")
        {
            Content = JsonContent.Create(new { model = Model, messages = new[] { new { role = "user", content = "trace me" } } }),
        };
        var callerSpan = ActivitySpanId.CreateRandom();
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        using var anonymous = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/check-proxy?admin_password={GatewayApp.AdminPassword}")).StatusCode);

        var provider = _app.Services.GetRequiredService<TracerProvider>();
        Activity[] trace = [];
        await Eventually.WaitUntilAsync(() =>
        {
            provider.ForceFlush();
            lock (_spans)
            {
                trace = _spans.Where(s => s.TraceId == traceId).ToArray();
            }

            return trace.Any(s => s.Source.Name == "Microsoft.AspNetCore") && Contains(_receiver.Requests.SelectMany(r => r.Body).ToArray(), "/api/check-proxy");
        }, "the request's spans are exported");

        // The simulator is an ASP.NET Core app in this process too: its own server span continues the trace, under the
        // gateway's upstream call. The gateway's is the one whose parent is the caller's span.
        var server = Assert.Single(trace, s => s.Kind is ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == callerSpan);
        Assert.Equal("/v1/chat/completions", server.GetTagItem("http.route"));
        Assert.Equal("/v1/chat/completions", server.GetTagItem("url.path"));
        var upstream = Assert.Single(trace, s => s.Kind is ActivityKind.Client && s.Source.Name == "System.Net.Http");
        Assert.True(DescendsFrom(upstream, server, trace), "the upstream call is a child of the request's span");
        Assert.StartsWith(_sim.BaseUrl.GetLeftPart(UriPartial.Authority), (string)upstream.GetTagItem("url.full")!, StringComparison.Ordinal);
        var grainCalls = trace.Where(s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(grainCalls);
        Assert.All(grainCalls, g => Assert.True(DescendsFrom(g, server, trace), $"grain span {g.DisplayName} is under the request's span"));
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == upstream.SpanId);
        Assert.Contains(grainCalls, g => g.DisplayName.Contains("UserGrain", StringComparison.Ordinal));

        // The collector got OTLP/HTTP protobuf with this trace's span names, and none of the secrets.
        var exported = _receiver.Requests.ToArray();
        Assert.All(exported, r => Assert.Equal("/v1/traces", r.Path));
        Assert.All(exported, r => Assert.Equal("application/x-protobuf", r.ContentType));
        var bytes = exported.SelectMany(r => r.Body).ToArray();
        Assert.True(Contains(bytes, "/v1/chat/completions"), "the exported spans name the route");
        Assert.True(Contains(bytes, "mirrorgate"), "the exported spans carry the service name");
        foreach (var secret in new[] { user, ChannelKey, GatewayApp.AdminPassword, "query-secret-0815", GatewayApp.ServiceKey })
        {
            Assert.False(Contains(bytes, secret), $"a secret ({secret[..4]}…) was exported");
        }
    }

    private static bool DescendsFrom(Activity span, Activity ancestor, Activity[] trace)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        for (var current = span; ;)
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }

            if (!byId.TryGetValue(current.ParentSpanId, out var parent))
            {
                return false;
            }

            current = parent;
        }
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
