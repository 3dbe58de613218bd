using MirrorGate.UpstreamSim.Auth;

namespace MirrorGate.UpstreamSim.Sentinel;

/// <summary>The sentinel headers a conversation POST must carry: a chat-requirements token issued to the
/// same caller and unexpired, and (when that token asked for it) a proof recomputed against its challenge.</summary>
internal static class SentinelCheck
{
    public const string RequirementsHeader = "OpenAI-Sentinel-Chat-Requirements-Token";
    public const string ProofHeader = "OpenAI-Sentinel-Proof-Token";

    /// <summary>Null when the headers are good, else the reason for a 403.</summary>
    public static string? Verify(HttpRequest request, Caller caller, SentinelStore store)
    {
        // Either flow's chat-requirements token is accepted on either conversation endpoint; a prepare token is not.
        var grant = store.Find(request.Headers[RequirementsHeader].ToString(), caller.OwnerKey,
            SentinelGrantKind.Legacy, SentinelGrantKind.Finalized);
        if (grant is null)
        {
            return "Invalid chat requirements token";
        }

        return grant.PowRequired && !ProofOfWork.Verify(request.Headers[ProofHeader].ToString(), grant.Seed, grant.Difficulty, grant.Hash)
            ? "Invalid proof of work"
            : null;
    }
}
