using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.Api.Chat;

/// <summary>A user's refused use, as the failure every API family renders.</summary>
public static class LimitFailures
{
    public static GatewayFailure From(LimitDecision refused, string model) => refused.Refusal switch
    {
        LimitRefusal.LimitReached => new GatewayFailure(StatusCodes.Status429TooManyRequests, "model_limit_exceeded",
            $"You have triggered the usage limit of {model}: at most {refused.Limit!.LimitCount} messages every {refused.Limit.EveryMinute} minutes (每 {refused.Limit.EveryMinute} 分钟限 {refused.Limit.LimitCount} 条). Try again in {Math.Ceiling(refused.RetryAfter.TotalSeconds)} seconds.",
            refused.RetryAfter),
        LimitRefusal.TokenLimitReached => new GatewayFailure(StatusCodes.Status429TooManyRequests, "token_limit_exceeded", refused.Message!, refused.RetryAfter),
        LimitRefusal.ConcurrencyLimitReached => new GatewayFailure(StatusCodes.Status429TooManyRequests, "concurrency_limit_exceeded", refused.Message!, refused.RetryAfter),
        LimitRefusal.ModelNotOffered => new GatewayFailure(StatusCodes.Status400BadRequest, "model_not_found", refused.Message!),
        _ => new GatewayFailure(StatusCodes.Status401Unauthorized, "user_logged_out", refused.Message!),
    };
}
