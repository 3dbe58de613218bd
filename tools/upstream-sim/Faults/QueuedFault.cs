namespace MirrorGate.UpstreamSim.Faults;

/// <summary>A fault in an account's queue with the hits it has left (null = until cleared).</summary>
internal sealed class QueuedFault(SimFault fault)
{
    public SimFault Fault { get; } = fault;

    public int? Remaining { get; set; } = fault.Times;
}
