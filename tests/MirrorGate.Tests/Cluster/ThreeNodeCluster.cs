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

    public async Task InitializeAsync() => _cluster = await NodeCluster.StartAsync(gateways: 3);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
