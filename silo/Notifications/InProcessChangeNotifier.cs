using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Silo.Notifications;

/// <summary>Change notifications within one process: handlers run before PublishAsync returns.</summary>
public sealed partial class InProcessChangeNotifier(ILogger<InProcessChangeNotifier> logger) : IChangeNotifier
{
    private ImmutableDictionary<string, ImmutableList<Func<string, ValueTask>>> _handlers =
        ImmutableDictionary.Create<string, ImmutableList<Func<string, ValueTask>>>(StringComparer.Ordinal);

    public async ValueTask PublishAsync(string topic, string key, CancellationToken cancellationToken = default)
    {
        if (!Volatile.Read(ref _handlers).TryGetValue(topic, out var handlers))
        {
            return;
        }

        foreach (var handler in handlers)
        {
            try
            {
                await handler(key);
            }
            catch (Exception ex)
            {
                // One failing subscriber must not stop the others or the publisher.
                LogHandlerFailed(logger, ex, topic, key);
            }
        }
    }

    public IDisposable Subscribe(string topic, Func<string, ValueTask> handler)
    {
        ImmutableInterlocked.Update(ref _handlers, static (map, arg) =>
            map.SetItem(arg.topic, map.GetValueOrDefault(arg.topic, []).Add(arg.handler)), (topic, handler));
        return new Subscription(this, topic, handler);
    }

    private void Unsubscribe(string topic, Func<string, ValueTask> handler) =>
        ImmutableInterlocked.Update(ref _handlers, static (map, arg) =>
            map.TryGetValue(arg.topic, out var list) ? map.SetItem(arg.topic, list.Remove(arg.handler)) : map, (topic, handler));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change handler for {Topic}/{Key} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string topic, string key);

    private sealed class Subscription(InProcessChangeNotifier owner, string topic, Func<string, ValueTask> handler) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(topic, handler);
    }
}
