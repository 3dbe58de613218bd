using System.Buffers;
using System.Collections.Immutable;
using System.Threading.Channels;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Usage;

namespace MirrorGate.Silo.Usage;

/// <summary>
/// The embedded node's usage records, made durable by one append to a journal file beside the database and moved into
/// the ledger's table in the background, many at a time. A one-record SQLite transaction (five B-trees, a WAL commit,
/// file locks) costs ~90 µs on issue 9's machine and nearly every request at 500 req/s waits for one of its own; an
/// append is one <c>pwrite</c> of ~200 bytes. The append has the durability of the SQLite commit it replaces
/// (<c>synchronous=NORMAL</c>): it survives the process, not the operating system, until the move's commit is
/// checkpointed.
/// <list type="bullet">
/// <item>Two segment files per store: appends go to the active one; a move turns the other into the active one, stores the old
/// one's records and only then empties it. A move that fails keeps its records and its segment, and is retried (in
/// order, before anything newer) until it is stored.</item>
/// <item>A record is stored once by its request id whatever happens (the table's key): a crash between a move's commit
/// and the emptying of its segment replays records that are already there, which store nothing.</item>
/// <item>Reads first move everything appended before them, so a count never misses a served request.</item>
/// <item>Each store has two files of its own, locked while it runs (test clusters put several silos on one database
/// file). At start the journals no live store holds (left by a store that stopped or crashed) are stored, then
/// deleted, before anything else; a torn last line (the process died mid-append, before that request's answer was
/// finished) is dropped. A clean stop moves everything and deletes the store's files.</item>
/// </list>
/// </summary>
public sealed partial class UsageJournal : IUsageLedger, IAsyncDisposable
{
    /// <summary>How long the mover lets records gather before it stores them (bounds the delay, not the durability).</summary>
    public static readonly TimeSpan MoveDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The most records in one of the ledger's transactions while moving: grain state writes queue behind it on the
    /// store's writer gate, and 256 records take ~3 ms (at ~12 µs each, about what 1 024 would cost per record).
    /// </summary>
    public const int MaxTransaction = 256;

    private static readonly ImmutableArray<bool> Accepted = [true];

    private readonly IUsageLedger _ledger;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly JournalSegment[] _segments;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _moving = new(1, 1);
    // One pending wake-up at most: a wake-up while one is pending is the same wake-up.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private Task _mover = Task.CompletedTask;

    private JournalSegment _active;
    private List<UsageRecord> _pending = [];
    private long _appended;
    private long _moved;

    // A segment whose records are being stored (or failed to be): it is not emptied, nor appended to, until they are.
    private JournalSegment? _held;
    private List<UsageRecord>? _heldRecords;

    private bool _open;

    // The bytes of the lines being appended, per thread: RecordAsync writes and appends them without awaiting.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_lines;

    /// <summary>
    /// A journal in front of <paramref name="ledger"/>, in two files of its own named <paramref name="prefix"/><c>.&lt;id&gt;.0</c>
    /// and <c>.1</c> (several stores may share one database file: each has its own journal); <see cref="OpenAsync"/> before use.
    /// </summary>
    public UsageJournal(IUsageLedger ledger, string prefix, ILogger logger)
    {
        (_ledger, _prefix, _logger) = (ledger, prefix, logger);
        var id = Guid.NewGuid().ToString("N")[..12];
        _segments = [new JournalSegment($"{prefix}.{id}.0"), new JournalSegment($"{prefix}.{id}.1")];
        _active = _segments[0];
    }

    /// <summary>Stores what a previous process left in the files (the ledger's table must exist), then starts the mover.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_open)
        {
            return;
        }

        try
        {
            await ReplayAsync(cancellationToken);
        }
        catch
        {
            CloseFiles();
            throw;
        }

        lock (_gate)
        {
            _open = true;
        }

        _mover = Task.Run(MoveInBackgroundAsync, CancellationToken.None);
    }

    /// <summary>An append costs less than handing it to another thread: no grouping (<see cref="UsageBatcher"/>).</summary>
    public bool GroupCommit => false;

    /// <summary>
    /// Appends the records; when this returns they are durable and will be stored once. Per record true: whether its
    /// request id was stored before shows only when it is moved (and is logged then).
    /// </summary>
    public Task<ImmutableArray<bool>> RecordAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken = default)
    {
        var buffer = t_lines ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        foreach (var record in records)
        {
            JournalLine.Write(buffer, record);
        }

        bool wake;
        lock (_gate)
        {
            if (!_open)
            {
                return Task.FromException<ImmutableArray<bool>>(new StorageUnavailableException("The usage journal is not open (the embedded store is starting or stopping)."));
            }

            try
            {
                _active.Append(buffer.WrittenSpan);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Task.FromException<ImmutableArray<bool>>(new StorageUnavailableException($"The usage journal cannot be written: {ex.Message}", ex));
            }

            wake = _pending.Count == 0;
            _pending.AddRange(records);
            _appended += records.Count;
        }

        if (wake)
        {
            WakeMover();
        }

        return Task.FromResult(records.Count == 1 ? Accepted : [.. Enumerable.Repeat(true, records.Count)]);
    }

    public async Task<long> CountUserAsync(string userName, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken);
        return await _ledger.CountUserAsync(userName, since, cancellationToken);
    }

    public async Task<ImmutableArray<HourlyCount>> CountAccountHourlyAsync(string accountId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken);
        return await _ledger.CountAccountHourlyAsync(accountId, since, cancellationToken);
    }

    public async Task<ImmutableArray<UsageRecord>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken);
        return await _ledger.QueryAsync(query, cancellationToken);
    }

    /// <summary>Stores every record appended before the call; throws what the ledger throws when it cannot.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        long target;
        lock (_gate)
        {
            target = _appended;
        }

        while (Volatile.Read(ref _moved) < target)
        {
            await MoveAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (!_open)
            {
                CloseFiles();
                return;
            }

            _open = false;
        }

        await _stop.CancelAsync();
        await _mover;
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The segments keep the records; the next start stores them.
            LogMoveFailed(_logger, ex, "at shutdown");
            foreach (var segment in _segments)
            {
                segment.Keep();
            }
        }

        CloseFiles();
        _stop.Dispose();
    }

    /// <summary>Closes the files; deletes them when they hold nothing (a failed last move leaves them for the next start).</summary>
    private void CloseFiles()
    {
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }
    }

    private async Task MoveInBackgroundAsync()
    {
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (failures == 0)
                {
                    await _wake.Reader.ReadAsync(_stop.Token);
                }

                await Task.Delay(failures == 0 ? MoveDelay : TimeSpan.FromMilliseconds(Math.Min(5000, 100 << Math.Min(failures, 6))), _stop.Token);
                await MoveAsync(_stop.Token);
                failures = 0;
                bool more;
                lock (_gate)
                {
                    more = _pending.Count > 0;
                }

                // More arrived while moving: go round again.
                if (more)
                {
                    WakeMover();
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                LogMoveFailed(_logger, ex, "in the background");
            }
        }
    }

    private void WakeMover() => _wake.Writer.TryWrite(true);

    /// <summary>Stores the held records, or (none held) turns the active segment into the held one and stores its records.</summary>
    private async Task MoveAsync(CancellationToken cancellationToken)
    {
        await _moving.WaitAsync(cancellationToken);
        try
        {
            if (_held is null)
            {
                lock (_gate)
                {
                    if (_pending.Count == 0)
                    {
                        return;
                    }

                    (_held, _heldRecords) = (_active, _pending);
                    _active = _segments[0] == _held ? _segments[1] : _segments[0];
                    _pending = [];
                }
            }

            var (held, records) = (_held, _heldRecords!);
            await StoreAsync(records, cancellationToken);
            held.Clear();
            lock (_gate)
            {
                (_held, _heldRecords) = (null, null);
                _moved += records.Count;
            }
        }
        finally
        {
            _moving.Release();
        }
    }

    private async Task StoreAsync(List<UsageRecord> records, CancellationToken cancellationToken)
    {
        for (var start = 0; start < records.Count; start += MaxTransaction)
        {
            var part = records.GetRange(start, Math.Min(MaxTransaction, records.Count - start));
            var stored = await _ledger.RecordAsync(part, cancellationToken);
            for (var i = 0; i < stored.Length; i++)
            {
                if (!stored[i])
                {
                    LogAlreadyStored(_logger, part[i].RequestId);
                }
            }
        }
    }

    /// <summary>
    /// Stores the records of every journal beside this one that no live store holds (a store holds its files locked), then
    /// deletes it; creates this journal's own files.
    /// </summary>
    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_prefix))!;
        foreach (var file in Directory.EnumerateFiles(directory, Path.GetFileName(_prefix) + ".*").Order(StringComparer.Ordinal))
        {
            if (_segments.Any(s => s.Path == file) || JournalOrphan.TryRead(file) is not { } orphan)
            {
                continue;
            }

            using (orphan)
            {
                if (orphan.TornBytes > 0)
                {
                    LogTornTail(_logger, file, orphan.TornBytes);
                }

                if (orphan.BadLines > 0)
                {
                    LogBadLines(_logger, file, orphan.BadLines);
                }

                if (orphan.Records.Count > 0)
                {
                    await StoreAsync(orphan.Records, cancellationToken);
                    LogReplayed(_logger, orphan.Records.Count, file);
                }

                orphan.Delete();
            }
        }

        foreach (var segment in _segments)
        {
            segment.Create();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving usage records from the journal into the ledger failed {When}; they stay in the journal and are retried")]
    private static partial void LogMoveFailed(ILogger logger, Exception exception, string when);

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage of request {RequestId} was already recorded; not counted again")]
    private static partial void LogAlreadyStored(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The usage journal {Path} held {Count} lines that are not usage records; skipped")]
    private static partial void LogBadLines(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Count} usage records left in the journal {Path} by a store that stopped")]
    private static partial void LogReplayed(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The usage journal {Path} ended with {Bytes} bytes of an unfinished line (an append cut off by a crash, before its answer finished); dropped")]
    private static partial void LogTornTail(ILogger logger, string path, long bytes);
}
