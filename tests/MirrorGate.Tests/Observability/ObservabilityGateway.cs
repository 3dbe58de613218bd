using MirrorGate.Tests.Channels;

namespace MirrorGate.Tests.Observability;

/// <summary>
/// A channel gateway on a loopback socket whose <c>/metrics</c> asks for a token and a loopback caller, shared by
/// the observability tests (one collection) (each test uses models and users of its own; the counters are per host, so
/// no other class's traffic moves them).
/// </summary>
public sealed class ObservabilityGateway() : ChannelGateway(kestrel: true, time: null, new Dictionary<string, string?>
{
    ["Metrics:Token"] = ScrapeToken,
    ["Metrics:AllowedNetworks:0"] = "127.0.0.0/8",
    ["Metrics:AllowedNetworks:1"] = "::1/128",
})
{
    public const string ScrapeToken = "scrape-token-0123456789";
}

/// <summary>The observability tests share one gateway and run one after another, so each sees exactly its own traffic.</summary>
[CollectionDefinition(Name)]
public sealed class ObservabilityCollection : ICollectionFixture<ObservabilityGateway>
{
    public const string Name = "observability gateway";
}
