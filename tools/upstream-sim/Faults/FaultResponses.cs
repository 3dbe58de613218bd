using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Faults;

/// <summary>The answer of a fault that refuses the request outright; null for faults that shape the stream.</summary>
internal static class FaultResponses
{
    public static IResult? Rejection(SimFault fault) => fault.Kind switch
    {
        SimFaultKind.Unauthorized => UpstreamErrors.TokenExpired(),
        SimFaultKind.RateLimited => UpstreamErrors.ModelCap(fault.ClearsInSeconds),
        SimFaultKind.ServerError => UpstreamErrors.ServerError(fault.StatusCode == 0 ? 500 : fault.StatusCode),
        _ => null,
    };
}
