namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>Verdict on a bearer value.</summary>
internal enum AccessTokenStatus
{
    Valid,
    Unknown,
    Expired,
    Revoked,
}
