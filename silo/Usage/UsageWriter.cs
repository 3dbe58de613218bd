using System.Collections.Immutable;
using Microsoft.Data.Sqlite;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Silo.Embedded;

namespace MirrorGate.Silo.Usage;

/// <summary>
/// The embedded ledger's writes, on one connection of its own that stays open, with <c>BEGIN IMMEDIATE</c>, the insert
/// and <c>COMMIT</c> parsed once. Taking a pooled connection and parsing three statements per transaction was a third
/// of a one-record transaction (132 → 88 µs in a loop on issue 9's machine), and at 500 requests a second nearly every
/// request's answer waits for a one-record transaction. Callers hold the store's writer gate, so one thread at a time
/// runs it, synchronously: SQLite's calls block anyway. After a failure the connection is dropped and the next batch
/// opens a new one.
/// </summary>
internal sealed class UsageWriter(SqliteStateStore store) : IDisposable
{
    private const string InsertSql = """
        INSERT INTO mg_usage (request_id, at_ms, model, account_id, user_name, node_id, prompt_tokens, completion_tokens)
        VALUES ($id, $at, $model, $account, $user, $node, $prompt, $completion)
        ON CONFLICT DO NOTHING
        """;

    private Statements? _statements;

    /// <summary>Stores the records in one transaction; per record, false when its request id was stored before.</summary>
    public ImmutableArray<bool> Insert(IReadOnlyList<UsageRecord> records)
    {
        var statements = _statements ??= Statements.Open(store);
        try
        {
            return statements.Insert(records);
        }
        catch
        {
            // Whatever state the connection is in now (a transaction left open, a broken handle), it is not reused.
            _statements = null;
            statements.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _statements?.Dispose();
        _statements = null;
    }

    private sealed class Statements : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _commit;
        private readonly SqliteParameter _id, _at, _model, _account, _user, _node, _prompt, _completion;

        private Statements(SqliteConnection connection)
        {
            _connection = connection;
            _begin = Prepared("BEGIN IMMEDIATE");
            _commit = Prepared("COMMIT");
            _insert = new SqliteCommand(InsertSql, connection);
            _id = _insert.Parameters.Add("$id", SqliteType.Text);
            _at = _insert.Parameters.Add("$at", SqliteType.Integer);
            _model = _insert.Parameters.Add("$model", SqliteType.Text);
            _account = _insert.Parameters.Add("$account", SqliteType.Text);
            _user = _insert.Parameters.Add("$user", SqliteType.Text);
            _node = _insert.Parameters.Add("$node", SqliteType.Text);
            _prompt = _insert.Parameters.Add("$prompt", SqliteType.Integer);
            _completion = _insert.Parameters.Add("$completion", SqliteType.Integer);
            _insert.Prepare();
        }

        public static Statements Open(SqliteStateStore store)
        {
            var connection = (SqliteConnection)store.DataSource.OpenConnection();
            try
            {
                return new Statements(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public ImmutableArray<bool> Insert(IReadOnlyList<UsageRecord> records)
        {
            _begin.ExecuteNonQuery();
            var stored = ImmutableArray.CreateBuilder<bool>(records.Count);
            foreach (var record in records)
            {
                _id.Value = record.RequestId;
                _at.Value = record.At.ToUnixTimeMilliseconds();
                _model.Value = record.Model;
                _account.Value = (object?)record.AccountId ?? DBNull.Value;
                _user.Value = (object?)record.UserName ?? DBNull.Value;
                _node.Value = record.NodeId;
                _prompt.Value = record.PromptTokens;
                _completion.Value = record.CompletionTokens;
                stored.Add(_insert.ExecuteNonQuery() == 1);
            }

            _commit.ExecuteNonQuery();
            return stored.MoveToImmutable();
        }

        public void Dispose()
        {
            _begin.Dispose();
            _insert.Dispose();
            _commit.Dispose();
            try
            {
                // A failure can leave the transaction open, and the handle goes back to the pool: never with it.
                if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
                {
                    using var rollback = new SqliteCommand("ROLLBACK", _connection);
                    rollback.ExecuteNonQuery();
                }
            }
            catch (SqliteException)
            {
                // The handle is unusable: no pooled connection is kept for the file, this one included.
                SqliteConnection.ClearPool(_connection);
            }

            _connection.Dispose();
        }

        private SqliteCommand Prepared(string sql)
        {
            var command = new SqliteCommand(sql, _connection);
            command.Prepare();
            return command;
        }
    }
}
