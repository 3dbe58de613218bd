using MirrorGate.Silo.Cluster;
using MirrorGate.Silo.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MirrorGate.Silo.Notifications.Postgres;

/// <summary>
/// Change notifications across the cluster with PostgreSQL's <c>LISTEN</c>/<c>NOTIFY</c>. A publish
/// runs this node's handlers at once (as the in-process notifier does) and then notifies the channel;
/// every other node's listening connection receives it and runs its handlers in the order the
/// changes committed. A node ignores its own messages, which it has already handled.
/// </summary>
/// <remarks>
/// A listening connection that breaks means this node may have missed changes: it raises
/// <see cref="IChangeNotifier.ResyncTopic"/> at once (caches are dropped and read again), keeps
/// reconnecting with growing pauses, and raises it again once it listens again.
/// </remarks>
public sealed partial class PostgresChangeNotifier(PostgresDatabase database, SiloIdentity node, InProcessChangeNotifier local, ILogger<PostgresChangeNotifier> logger)
    : BackgroundService, IChangeNotifier
{
    private const char Separator = '\u001e';
    private readonly TaskCompletionSource _firstListen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True while the listening connection is up.</summary>
    public bool Listening { get; private set; }

    /// <summary>The NOTIFY payload for a change: the sending node, the topic and the key.</summary>
    public static string Payload(string nodeId, string topic, string key) => string.Concat(nodeId, Separator.ToString(), topic, Separator.ToString(), key);

    public async ValueTask PublishAsync(string topic, string key, CancellationToken cancellationToken = default)
    {
        await local.PublishAsync(topic, key, cancellationToken);
        await database.RunAsync(async () =>
        {
            await using var command = database.Command("SELECT pg_notify($1, $2)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.Channel });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Payload(node.NodeId, topic, key) });
            await command.ExecuteNonQueryAsync(cancellationToken);
        });
    }

    public IDisposable Subscribe(string topic, Func<string, ValueTask> handler) => local.Subscribe(topic, handler);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);

        // Serve only once changes from other nodes can reach this one (or the first attempt failed).
        await _firstListen.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromMilliseconds(100);
        var resyncNeeded = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenListenerAsync(stoppingToken);
                var received = new Queue<string>();
                connection.Notification += (_, e) => received.Enqueue(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {database.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                Listening = true;
                pause = TimeSpan.FromMilliseconds(100);
                _firstListen.TrySetResult();
                LogListening(logger, database.Channel);
                if (resyncNeeded)
                {
                    resyncNeeded = false;
                    await local.PublishAsync(IChangeNotifier.ResyncTopic, string.Empty, stoppingToken);
                }

                var idle = 0;
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken) && ++idle % 5 == 0)
                    {
                        // A quiet connection to a vanished server can look healthy forever; ask it.
                        await using var probe = new NpgsqlCommand("SELECT 1", connection);
                        await probe.ExecuteScalarAsync(stoppingToken);
                    }

                    while (received.TryDequeue(out var payload))
                    {
                        await DispatchAsync(payload, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _firstListen.TrySetResult();
                if (Listening || !resyncNeeded)
                {
                    LogLost(logger, ex, database.Address);
                    Listening = false;
                    resyncNeeded = true;
                    await local.PublishAsync(IChangeNotifier.ResyncTopic, string.Empty, stoppingToken);
                }

                await Task.Delay(pause, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private async ValueTask DispatchAsync(string payload, CancellationToken cancellationToken)
    {
        var parts = payload.Split(Separator, 3);
        if (parts.Length != 3 || parts[0] == node.NodeId)
        {
            return;
        }

        await local.PublishAsync(parts[1], parts[2], cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for cluster changes on channel {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the change-notification connection to {Address}; caches dropped, reconnecting")]
    private static partial void LogLost(ILogger logger, Exception exception, string address);
}
