using BenchmarkDotNet.Attributes;
using MirrorGate.Silo.Storage;
using MirrorGate.Silo.Storage.Sqlite;

namespace MirrorGate.Bench.Micro;

/// <summary>
/// What a kept conversation costs the gateway in storage per turn: the new conversation grain's activation reads
/// its (absent) state, then <c>RecordTurnAsync</c> inserts it. SQLite in WAL mode on a temporary file, no contention.
/// </summary>
[MemoryDiagnoser]
public class StorageBenchmarks
{
    private readonly byte[] _payload = """{"Record":{"AccountId":"acct-0123456789","UserName":null,"Private":false,"LastAssistantMessageId":"5c1b7f0e-3d2a-4b8e-9f61-2a7c9d4e8b10","CreatedAt":"2026-01-01T00:00:00+00:00","UpdatedAt":"2026-01-01T00:00:00+00:00"}}"""u8.ToArray();
    private DirectoryInfo _folder = null!;
    private SqliteGrainStorage _storage = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("mirrorgate-bench-sqlite-");
        _storage = new SqliteGrainStorage(new SqliteDatabase(Path.Combine(_folder.FullName, "bench.db")), TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    /// <summary>Activation of a new conversation grain: read a state that does not exist.</summary>
    [Benchmark]
    public Task<StoredState?> ReadAbsentState() =>
        _storage.ReadAsync(new GrainStateId("conversation", "absent-" + Interlocked.Increment(ref _next), "conversation"), CancellationToken.None);

    /// <summary><c>ConversationGrain.RecordTurnAsync</c> on a new conversation: insert its first version.</summary>
    [Benchmark]
    public Task<StorageWriteResult> InsertNewState() =>
        _storage.WriteAsync(new GrainStateId("conversation", "c-" + Interlocked.Increment(ref _next), "conversation"), _payload, null, CancellationToken.None);
}
