namespace MirrorGate.Silo.Cluster.Membership;

/// <summary>
/// One node run as read from the membership table. <see cref="Status"/> is already judged against
/// <see cref="ClusterOptions.NodeDeadAfter"/>: a row still stored as active whose heartbeat is too old
/// reads as <see cref="NodeStatus.Dead"/>, because a node that stopped heartbeating must not count as
/// alive whatever its row last said.
/// </summary>
/// <param name="Version">Grows with every status change (not with heartbeats); status changes are conditioned on it.</param>
/// <param name="Load">Grain activations on the node at its last heartbeat.</param>
public sealed record ClusterNode(
    string NodeId,
    string? Address,
    NodeStatus Status,
    long Version,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    int Load)
{
    public bool IsAlive => Status == NodeStatus.Active;
}
