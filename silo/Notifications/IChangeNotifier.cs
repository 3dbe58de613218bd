namespace MirrorGate.Silo.Notifications;

/// <summary>
/// Tells every node that something changed ("account acct-1 changed"), so caches drop it at once
/// instead of polling. Delivery is at most once per subscriber and carries only a key: receivers
/// re-read the truth, they never trust the message for data.
/// </summary>
public interface IChangeNotifier
{
    /// <summary>
    /// A local topic raised (with an empty key) when this node may have missed changes, e.g. after its
    /// listening connection to the cluster database was lost: subscribers drop what they cached and
    /// read the truth again. The in-process notifier never raises it.
    /// </summary>
    const string ResyncTopic = "resync";

    ValueTask PublishAsync(string topic, string key, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="handler"/> with the key of every change on <paramref name="topic"/> until disposed.</summary>
    IDisposable Subscribe(string topic, Func<string, ValueTask> handler);
}
