using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Grains.Accounts;

/// <summary>What an upstream refusal during a token exchange or account check means for registering an account.</summary>
internal static class UpstreamRefusal
{
    /// <summary>Transient upstream trouble is retryable; anything else means the token itself was refused.</summary>
    public static AccountResult ToResult(UpstreamFailure failure) =>
        failure.Kind is UpstreamFailureKind.Network or UpstreamFailureKind.ServerError or UpstreamFailureKind.RateLimited
            ? AccountResult.Fail(AccountError.UpstreamUnavailable, "The upstream is unavailable: " + failure.Message)
            : AccountResult.Fail(AccountError.InvalidToken, "The upstream refused the token: " + failure.Message);
}
