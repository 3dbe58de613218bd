using MirrorGate.Silo.Hosting;
using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Storage.Postgres;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Storage;

public sealed class PostgresGrainStorageTests : GrainStorageContractTests, IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private IGrainStorage? _storage;

    protected override IGrainStorage Storage => _storage!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _storage = new PostgresGrainStorage(_database.Database, new SiloIdentity(TimeProvider.System), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task Running_the_migrations_again_changes_nothing_and_concurrent_starts_agree()
    {
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            new Silo.Cluster.SchemaMigrator(_database!.Database, Microsoft.Extensions.Logging.Abstractions.NullLogger<Silo.Cluster.SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None))));

        Assert.All(again, applied => Assert.Equal(0, applied));
    }
}
