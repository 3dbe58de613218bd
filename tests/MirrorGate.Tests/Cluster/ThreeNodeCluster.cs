using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Cluster;

/// <summary>
/// One three-node cluster (gateway and silo in each process) shared by the tests of a class: starting processes is
/// what costs, and these tests do not take nodes down. Each test uses accounts and users of its own.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    private NodeCluster? _cluster;

    public NodeCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>The <c>/adminapi</c> secret of every node.</summary>
    public const string AdminApiSecret = "cluster-adminapi-secret";

    public async Task InitializeAsync() =>
        _cluster = await NodeCluster.StartAsync(gateways: 3, settings: new Dictionary<string, string?> { ["SaasAdmin:Secret"] = AdminApiSecret });

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
