using System.Data.Common;
using MirrorGate.GrainInterfaces.Queries;

namespace MirrorGate.Silo.Storage;

/// <summary>
/// The SQL of one filtered, newest-first console list (docs/console-data.md), for SQLite and PostgreSQL alike (both
/// take <c>@name</c> parameters). Only the filters given become conditions, so each query is a plain index range the
/// planner can see: <c>x = @x AND time &lt; …</c> rather than <c>(@x IS NULL OR x = @x)</c>. Column names come from
/// the stores' own constants, never from a caller; values are always parameters.
/// </summary>
/// <param name="time">How this database stores an instant (Unix milliseconds, or a timestamptz).</param>
public sealed class ListQuery(string timeColumn, string idColumn, Func<DateTimeOffset, object> time)
{
    private readonly List<string> _conditions = [];
    private readonly List<(string Name, object? Value)> _parameters = [];

    /// <summary>Adds <c>column = value</c> when a value is given.</summary>
    public ListQuery Equal(string column, string? value)
    {
        if (value is not null)
        {
            var name = "p" + _parameters.Count;
            _conditions.Add($"{column} = @{name}");
            _parameters.Add((name, value));
        }

        return this;
    }

    /// <summary>The time range and the keyset position: rows strictly older than <see cref="PageAfter"/> (ties: a smaller id).</summary>
    public ListQuery Window(PageWindow page)
    {
        if (page.From is { } from)
        {
            _conditions.Add($"{timeColumn} >= @from");
            _parameters.Add(("from", time(from)));
        }

        if (page.To is { } to)
        {
            _conditions.Add($"{timeColumn} < @to");
            _parameters.Add(("to", time(to)));
        }

        if (page.After is { } after)
        {
            _conditions.Add($"({timeColumn} < @after_at OR ({timeColumn} = @after_at AND {idColumn} < @after_id))");
            _parameters.Add(("after_at", time(after.At)));
            _parameters.Add(("after_id", after.Id));
        }

        _parameters.Add(("limit", (long)page.Limit));
        return this;
    }

    /// <summary>A command reading <paramref name="columns"/> of <paramref name="from"/> under the conditions, newest first.</summary>
    public DbCommand Command(DbConnection connection, string columns, string from)
    {
        var where = _conditions.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", _conditions);
        return DbCommands.Create(connection, null, $"SELECT {columns} FROM {from}{where} ORDER BY {timeColumn} DESC, {idColumn} DESC LIMIT @limit", _parameters);
    }
}
