using System.Collections.Immutable;
using System.Data.Common;
using MirrorGate.GrainInterfaces.Errors;
using MirrorGate.GrainInterfaces.Queries;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Ledger;
using MirrorGate.Silo.Storage;

namespace MirrorGate.Silo.Ledger;

/// <summary>
/// The ledger on the node's database, SQLite or PostgreSQL: both accept the same SQL here (named parameters,
/// <c>ON CONFLICT DO NOTHING</c>, <c>RETURNING</c>, <c>LIMIT/OFFSET</c>), so one class serves both and the contract
/// tests run it on each. A post is one database transaction. The floor is checked by the <c>UPDATE</c> that moves
/// the balance (<c>WHERE balance + delta &gt;= floor</c>): PostgreSQL re-checks that condition on the locked row after
/// waiting for a concurrent writer, and SQLite's <c>BEGIN IMMEDIATE</c> admits one writer at a time, so no
/// interleaving can cross it. Accounts are updated in one sorted order, so two posts never wait on each other in a
/// cycle.
/// </summary>
/// <param name="sequenceColumn">What orders tie-break on when written in the same millisecond: SQLite's rowid, PostgreSQL's seq.</param>
public sealed class SqlLedgerStore(StateStore store, string sequenceColumn) : ILedgerStore
{
    private const string OrderColumns = """
        order_id, customer_id, reseller_id, provider_id, user_id, business_op, product_id, product_name, model, usage,
        amount, cost, at_ms, order_date, order_status, accounting_status
        """;

    /// <summary>A posting's identity as one text (the keyset id of the postings list): transaction id, <c>#</c>, leg.</summary>
    public const string PostingKey = "p.txn_id || '#' || p.leg";

    public Task<PostResult> PostAsync(LedgerTransaction transaction, CancellationToken cancellationToken = default)
    {
        if (transaction.Legs.Sum(l => l.Delta) != 0)
        {
            throw new ArgumentException($"The legs of ledger transaction {transaction.Id} do not sum to zero.", nameof(transaction));
        }

        return RunAsync(async connection =>
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var inserted = await ExecuteAsync(connection, tx, """
                INSERT INTO mg_ledger_txn (txn_id, action, org_id, amount, order_id, at_ms) VALUES (@id, @action, @org, @amount, @order, @at)
                ON CONFLICT DO NOTHING
                """, cancellationToken,
                ("id", transaction.Id), ("action", transaction.Action), ("org", transaction.OrgId), ("amount", transaction.Amount),
                ("order", transaction.NewOrder?.Id ?? transaction.CompletesOrder?.Id), ("at", transaction.At.ToUnixTimeMilliseconds()));
            if (inserted == 0)
            {
                await tx.RollbackAsync(cancellationToken);
                return PostResult.Of(PostOutcome.Duplicate);
            }

            if (transaction.NewOrder is { } order && !await InsertOrderAsync(connection, tx, order, cancellationToken))
            {
                // Another transaction already wrote an order under this id: this one is not a retry of it.
                await tx.RollbackAsync(cancellationToken);
                return PostResult.Of(PostOutcome.OrderMismatch);
            }

            if (transaction.CompletesOrder is { } pending && await ExecuteAsync(connection, tx, """
                UPDATE mg_biz_order SET order_status = '1', accounting_status = 'accounted'
                WHERE order_id = @id AND customer_id = @org AND amount = @amount AND order_status = '0'
                """, cancellationToken, ("id", pending.Id), ("org", pending.CustomerOrgId), ("amount", pending.Amount)) == 0)
            {
                await tx.RollbackAsync(cancellationToken);
                return PostResult.Of(PostOutcome.OrderMismatch);
            }

            if (transaction.RefundsOrder is { } refunded && await ExecuteAsync(connection, tx, """
                UPDATE mg_biz_order SET accounting_status = 'refunded'
                WHERE order_id = @id AND customer_id = @org AND business_op = @op AND accounting_status = 'accounted'
                """, cancellationToken, ("id", refunded.Id), ("org", refunded.CustomerOrgId), ("op", LedgerActions.Pay)) == 0)
            {
                await tx.RollbackAsync(cancellationToken);
                return PostResult.Of(PostOutcome.OrderMismatch);
            }

            if (transaction.OpensHold is { } hold)
            {
                await ExecuteAsync(connection, tx, "INSERT INTO mg_ledger_hold (hold_key, org_id, amount, expires_ms) VALUES (@key, @org, @amount, @expires)",
                    cancellationToken, ("key", hold.Key), ("org", transaction.OrgId), ("amount", transaction.Amount), ("expires", hold.ExpiresAt.ToUnixTimeMilliseconds()));
            }

            if (transaction.ClosesHold is { } closed)
            {
                await ExecuteAsync(connection, tx, "DELETE FROM mg_ledger_hold WHERE hold_key = @key", cancellationToken, ("key", closed));
            }

            for (var leg = 0; leg < transaction.Legs.Length; leg++)
            {
                var l = transaction.Legs[leg];
                await ExecuteAsync(connection, tx, "INSERT INTO mg_ledger_posting (txn_id, leg, org_id, subject, delta) VALUES (@id, @leg, @org, @subject, @delta)",
                    cancellationToken, ("id", transaction.Id), ("leg", leg), ("org", l.Account.OrgId), ("subject", l.Account.Subject), ("delta", l.Delta));
            }

            var balances = ImmutableDictionary.CreateBuilder<LedgerAccount, long>();
            foreach (var (account, delta, floor) in Netted(transaction.Legs))
            {
                await ExecuteAsync(connection, tx, "INSERT INTO mg_ledger_account (org_id, subject, balance) VALUES (@org, @subject, 0) ON CONFLICT DO NOTHING",
                    cancellationToken, ("org", account.OrgId), ("subject", account.Subject));
                var balance = floor is { } min
                    ? await ScalarAsync(connection, tx, "UPDATE mg_ledger_account SET balance = balance + @delta WHERE org_id = @org AND subject = @subject AND balance + @delta >= @floor RETURNING balance",
                        cancellationToken, ("delta", delta), ("org", account.OrgId), ("subject", account.Subject), ("floor", min))
                    : await ScalarAsync(connection, tx, "UPDATE mg_ledger_account SET balance = balance + @delta WHERE org_id = @org AND subject = @subject RETURNING balance",
                        cancellationToken, ("delta", delta), ("org", account.OrgId), ("subject", account.Subject));
                if (balance is null)
                {
                    await tx.RollbackAsync(cancellationToken);
                    return PostResult.Of(PostOutcome.FloorCrossed);
                }

                balances[account] = Convert.ToInt64(balance, System.Globalization.CultureInfo.InvariantCulture);
            }

            await tx.CommitAsync(cancellationToken);
            return new PostResult(PostOutcome.Posted, balances.ToImmutable());
        }, cancellationToken);
    }

    public Task<LedgerTransactionRow?> FindTransactionAsync(string transactionId, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        await using var command = Command(connection, null, "SELECT txn_id, action, org_id, amount, order_id FROM mg_ledger_txn WHERE txn_id = @id", ("id", transactionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LedgerTransactionRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4))
            : null;
    }, cancellationToken);

    public Task<long> BalanceAsync(LedgerAccount account, CancellationToken cancellationToken = default) => RunAsync(async connection =>
        Convert.ToInt64(await ScalarAsync(connection, null, "SELECT balance FROM mg_ledger_account WHERE org_id = @org AND subject = @subject", cancellationToken,
            ("org", account.OrgId), ("subject", account.Subject)) ?? 0L, System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    public Task<long> SumPostingsAsync(LedgerAccount account, CancellationToken cancellationToken = default) => RunAsync(async connection =>
        Convert.ToInt64(await ScalarAsync(connection, null, "SELECT coalesce(sum(delta), 0) FROM mg_ledger_posting WHERE org_id = @org AND subject = @subject", cancellationToken,
            ("org", account.OrgId), ("subject", account.Subject)), System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    public Task<long> SumTransactionAsync(string transactionId, CancellationToken cancellationToken = default) => RunAsync(async connection =>
        Convert.ToInt64(await ScalarAsync(connection, null, "SELECT coalesce(sum(delta), 0) FROM mg_ledger_posting WHERE txn_id = @id", cancellationToken,
            ("id", transactionId)), System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    public Task<bool> CreateOrderAsync(LedgerOrder order, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        // The insert itself decides (ON CONFLICT): two nodes creating one order id at once get one true, one false.
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (!await InsertOrderAsync(connection, tx, order, cancellationToken))
        {
            await tx.RollbackAsync(cancellationToken);
            return false;
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }, cancellationToken);

    public Task<LedgerOrder?> FindOrderAsync(string orderId, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        await using var command = Command(connection, null, $"SELECT {OrderColumns} FROM mg_biz_order WHERE order_id = @id", ("id", orderId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadOrder(reader) : null;
    }, cancellationToken);

    public Task<(long Total, ImmutableArray<LedgerOrder> Rows)> QueryOrdersAsync(string customerOrgId, int page, int pageRows, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        var total = Convert.ToInt64(await ScalarAsync(connection, null, "SELECT count(*) FROM mg_biz_order WHERE customer_id = @org", cancellationToken, ("org", customerOrgId)),
            System.Globalization.CultureInfo.InvariantCulture);
        await using var command = Command(connection, null,
            $"SELECT {OrderColumns} FROM mg_biz_order WHERE customer_id = @org ORDER BY at_ms DESC, {sequenceColumn} DESC LIMIT @limit OFFSET @offset",
            ("org", customerOrgId), ("limit", (long)pageRows), ("offset", (long)(page - 1) * pageRows));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = ImmutableArray.CreateBuilder<LedgerOrder>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadOrder(reader));
        }

        return (total, rows.ToImmutable());
    }, cancellationToken);

    public Task<ImmutableArray<LedgerOrder>> QueryOrdersAsync(OrderQuery query, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        var list = new ListQuery("at_ms", "order_id", static at => at.ToUnixTimeMilliseconds())
            .Equal("customer_id", query.OrgId).Equal("user_id", query.UserId).Equal("model", query.Model).Equal("product_id", query.ProductId)
            .Equal("business_op", query.BusinessOp).Window(query.Page);
        await using var command = list.Command(connection, OrderColumns, "mg_biz_order");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = ImmutableArray.CreateBuilder<LedgerOrder>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadOrder(reader));
        }

        return rows.ToImmutable();
    }, cancellationToken);

    public Task<ImmutableArray<LedgerPosting>> QueryPostingsAsync(LedgerAccount account, PageWindow page, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        // One transaction can post twice to one account (a settle gives the hold back and charges), so the keyset's
        // tie-break is the leg's own identity, transaction and leg, not the transaction alone.
        var list = new ListQuery("t.at_ms", PostingKey, static at => at.ToUnixTimeMilliseconds())
            .Equal("p.org_id", account.OrgId).Equal("p.subject", account.Subject).Window(page);
        await using var command = list.Command(connection, "p.txn_id, p.leg, t.action, p.delta, t.at_ms, t.order_id",
            "mg_ledger_posting p JOIN mg_ledger_txn t ON t.txn_id = p.txn_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = ImmutableArray.CreateBuilder<LedgerPosting>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LedgerPosting(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return rows.ToImmutable();
    }, cancellationToken);

    public Task<ImmutableArray<OpenHold>> FindExpiredHoldsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        await using var command = Command(connection, null,
            "SELECT hold_key, org_id, amount, expires_ms FROM mg_ledger_hold WHERE expires_ms < @now ORDER BY expires_ms LIMIT @limit",
            ("now", now.ToUnixTimeMilliseconds()), ("limit", (long)limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var holds = ImmutableArray.CreateBuilder<OpenHold>();
        while (await reader.ReadAsync(cancellationToken))
        {
            holds.Add(new OpenHold(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return holds.ToImmutable();
    }, cancellationToken);

    /// <summary>One change per account (a settle both gives a hold back and charges): sorted, with the strictest floor.</summary>
    private static IEnumerable<(LedgerAccount Account, long Delta, long? Floor)> Netted(ImmutableArray<LedgerLeg> legs) =>
        legs.GroupBy(l => l.Account)
            .Select(g => (g.Key, g.Sum(l => l.Delta), g.Max(l => l.Floor)))
            .Where(n => n.Item2 != 0)
            .OrderBy(n => n.Key.OrgId, StringComparer.Ordinal).ThenBy(n => n.Key.Subject, StringComparer.Ordinal)
            .Select(n => (n.Key, n.Item2, n.Item2 < 0 ? n.Item3 : null));

    /// <summary>Inserts the order and its detail line; false (nothing written) when the order id exists.</summary>
    private static async Task<bool> InsertOrderAsync(DbConnection connection, DbTransaction tx, LedgerOrder order, CancellationToken cancellationToken)
    {
        var inserted = await ExecuteAsync(connection, tx, $"""
            INSERT INTO mg_biz_order ({OrderColumns})
            VALUES (@id, @customer, @reseller, @provider, @user, @op, @product, @name, @model, @usage, @amount, @cost, @at, @date, @status, @accounting)
            ON CONFLICT DO NOTHING
            """, cancellationToken,
            ("id", order.Id), ("customer", order.CustomerOrgId), ("reseller", order.ResellerOrgId), ("provider", order.ProviderOrgId), ("user", order.UserId),
            ("op", order.BusinessOp), ("product", order.ProductId), ("name", order.ProductName), ("model", order.Model), ("usage", order.UsageJson),
            ("amount", order.Amount), ("cost", order.Cost), ("at", order.At.ToUnixTimeMilliseconds()), ("date", order.OrderDate), ("status", order.Status),
            ("accounting", order.AccountingStatus));
        if (inserted == 0)
        {
            return false;
        }

        await ExecuteAsync(connection, tx, "INSERT INTO mg_biz_orderdetail (order_id, product_id, product_cnt, trans_amount) VALUES (@id, @product, 1, @amount)",
            cancellationToken, ("id", order.Id), ("product", order.ProductId), ("amount", order.Amount));
        return true;
    }

    private static LedgerOrder ReadOrder(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
        r.GetString(8), r.GetString(9), r.GetInt64(10), r.GetInt64(11), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)), r.GetString(13), r.GetString(14), r.GetString(15));

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters) =>
        DbCommands.Create(connection, tx, sql, parameters);

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception ex) when (store.IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"The ledger ({store.Address}) cannot be reached right now: {ex.Message}", ex);
        }
    }
}
