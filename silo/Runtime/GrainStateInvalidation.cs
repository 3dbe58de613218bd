using System.Globalization;
using MirrorGate.Silo.Notifications;
using MirrorGate.Silo.Storage;
using Microsoft.Extensions.Hosting;

namespace MirrorGate.Silo.Runtime;

/// <summary>
/// Keeps this node's activations from serving state another node has replaced. A cluster storage
/// provider announces every committed write on <see cref="Topic"/>; this node marks its activation
/// of that grain for reload if it holds an older version. When the node may have missed
/// announcements (<see cref="IChangeNotifier.ResyncTopic"/>) every activation is marked.
/// The embedded storage announces nothing: one node has no one to tell.
/// </summary>
public sealed class GrainStateInvalidation(IChangeNotifier notifier, GrainCatalog catalog) : IHostedService
{
    public const string Topic = "grain-state";

    private const char Separator = '\u001f';
    private readonly List<IDisposable> _subscriptions = [];

    /// <summary>The announcement key without its version (the store appends the version it wrote).</summary>
    public static string KeyPrefix(GrainStateId id) => string.Join(Separator, id.GrainType, id.Key, id.StateName, string.Empty);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(notifier.Subscribe(Topic, key =>
        {
            var parts = key.Split(Separator);
            if (parts.Length == 4 && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                catalog.MarkStale(parts[0], parts[1], parts[2], version);
            }

            return ValueTask.CompletedTask;
        }));
        _subscriptions.Add(notifier.Subscribe(IChangeNotifier.ResyncTopic, _ =>
        {
            catalog.MarkAllStale();
            return ValueTask.CompletedTask;
        }));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscriptions.ForEach(s => s.Dispose());
        return Task.CompletedTask;
    }
}
