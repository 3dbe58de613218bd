using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Storage;

/// <summary>
/// One single-silo <see cref="GrainCluster"/> per test class (started once, shared by its tests, which use unique
/// keys): starting a silo costs seconds, the storage checks themselves milliseconds.
/// </summary>
public abstract class StorageClusterFixture(bool postgres) : IAsyncLifetime
{
    private GrainCluster? _cluster;

    public GrainCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync() => _cluster = await GrainCluster.StartAsync(silos: 1, postgres: postgres);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>The embedded node's store: a SQLite file.</summary>
public sealed class SqliteStorageClusterFixture() : StorageClusterFixture(postgres: false);

/// <summary>The cluster's store: a fresh PostgreSQL schema.</summary>
public sealed class PostgresStorageClusterFixture() : StorageClusterFixture(postgres: true);
