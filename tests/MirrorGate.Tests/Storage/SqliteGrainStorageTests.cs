using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Storage.Sqlite;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Storage;

public sealed class SqliteGrainStorageTests : GrainStorageContractTests, IDisposable
{
    private readonly TempDirectory _folder = new();

    public SqliteGrainStorageTests() =>
        Storage = new SqliteGrainStorage(new SqliteDatabase(Path.Combine(_folder.Path, "test.db")), TimeProvider.System);

    protected override IGrainStorage Storage { get; }

    [Fact]
    public async Task Data_survives_reopening_the_file()
    {
        var path = Path.Combine(_folder.Path, "reopen.db");
        var id = new GrainStateId("t", "k", "s");
        await new SqliteGrainStorage(new SqliteDatabase(path), TimeProvider.System).WriteAsync(id, new byte[] { 1, 2, 3 }, null, CancellationToken.None);

        var stored = await new SqliteGrainStorage(new SqliteDatabase(path), TimeProvider.System).ReadAsync(id, CancellationToken.None);

        Assert.Equal(new byte[] { 1, 2, 3 }, stored!.Payload);
    }

    public void Dispose() => _folder.Dispose();
}
