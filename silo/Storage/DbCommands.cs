using System.Data.Common;

namespace MirrorGate.Silo.Storage;

/// <summary>The one way MirrorGate's own statements are built, on either database (SQLite or PostgreSQL).</summary>
public static class DbCommands
{
    /// <summary>
    /// A command for <paramref name="sql"/> with named parameters; a null value is sent as a typed NULL (a string), which
    /// PostgreSQL needs to infer the parameter's type and SQLite ignores.
    /// </summary>
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, IEnumerable<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            if (value is null)
            {
                parameter.DbType = System.Data.DbType.String;
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }
}
