namespace MirrorGate.Silo.Cluster.Membership;

/// <summary>
/// Where a node run stands in the membership table. <see cref="Left"/> and <see cref="Dead"/> are
/// final: a node id that reached them never becomes <see cref="Active"/> again (a restart is a new id).
/// </summary>
public enum NodeStatus
{
    /// <summary>Joined and, as far as the reader can tell, heartbeating.</summary>
    Active,

    /// <summary>Stopped gracefully.</summary>
    Left,

    /// <summary>Declared dead, or shown so because its heartbeat is older than <see cref="ClusterOptions.NodeDeadAfter"/>.</summary>
    Dead,
}
