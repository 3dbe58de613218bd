using Microsoft.Data.Sqlite;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Hooks;

/// <summary>
/// A hook server and one gateway pointed at it, shared by the tests of one class (which run one at a time, so each
/// test may program the hook server for itself; each uses its own user names).
/// </summary>
public abstract class HookGateway : IAsyncLifetime
{
    public HookServer Hooks { get; private set; } = null!;

    public GatewayApp App { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Hooks = await HookServer.StartAsync();
        App = await GatewayApp.StartAsync(Settings(Hooks), time: Clock);
        await SeedAsync(App);
    }

    public virtual async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Hooks.DisposeAsync();
    }

    /// <summary>The gateway's clock, when a test must move it.</summary>
    protected virtual TimeProvider? Clock => null;

    protected abstract Dictionary<string, string?> Settings(HookServer hooks);

    protected virtual Task SeedAsync(GatewayApp app) => Task.CompletedTask;
}

/// <summary>Payloads and stored state the hook tests look at.</summary>
internal static class HookTestData
{
    /// <summary>A ChatGPT web payload, as a client of <c>/backend-api/conversation</c> sends it.</summary>
    public static Dictionary<string, object?> WebPayload(string prompt) => new()
    {
        ["action"] = "next",
        ["model"] = "auto",
        ["messages"] = new[] { new { id = Guid.NewGuid().ToString(), author = new { role = "user" }, content = new { content_type = "text", parts = new[] { prompt } } } },
        ["parent_message_id"] = "client-created-root",
        ["timezone_offset_min"] = -480,
        ["history_and_training_disabled"] = false,
    };

    /// <summary>Every stored grain state of an embedded node (state name and JSON payload), read below the serializer.</summary>
    public static List<(string StateName, string Payload)> StoredStates(GatewayApp app)
    {
        using var connection = Open(app);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state_name, payload FROM mg_grain_state";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), System.Text.Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(1))));
        }

        return rows;
    }

    /// <summary>The reminders of notify deliveries stored in an embedded node's SQLite file (grain ids).</summary>
    public static List<string> NotifyReminders(GatewayApp app)
    {
        using var connection = Open(app);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_id FROM mg_reminder WHERE grain_id LIKE 'notify-outbox/%'";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static SqliteConnection Open(GatewayApp app)
    {
        var path = Path.Combine(app.DataDirectory, "mirrorgate.db");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
