namespace MirrorGate.Api.Chat;

/// <summary>A started upstream turn, or the failure to answer the client with.</summary>
public sealed record DispatchResult(UpstreamTurn? Turn, GatewayFailure? Failure)
{
    public static DispatchResult Started(UpstreamTurn turn) => new(turn, null);

    public static DispatchResult Failed(GatewayFailure failure) => new(null, failure);
}
