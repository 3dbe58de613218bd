using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Http;

/// <summary>The error answers of docs/chatgpt-upstream.md ("Errors", research §3.12), in one place
/// so every endpoint fails the same way.</summary>
internal static class UpstreamErrors
{
    public static IResult TokenExpired() => SimJson.Result(
        new JsonObject
        {
            ["detail"] = new JsonObject
            {
                ["code"] = "token_expired",
                ["message"] = "Your authentication token has expired. Please try refreshing it.",
            },
        },
        StatusCodes.Status401Unauthorized);

    public static IResult ModelCap(int clearsInSeconds) => SimJson.Result(
        new JsonObject
        {
            ["detail"] = new JsonObject
            {
                ["code"] = "model_cap_exceeded",
                ["clears_in"] = clearsInSeconds,
                ["message"] = "You have sent too many messages to the model. Please try again later.",
            },
        },
        StatusCodes.Status429TooManyRequests);

    public static IResult ServerError(int statusCode) =>
        SimJson.Result(new JsonObject { ["detail"] = "Internal server error" }, statusCode is >= 500 and <= 599 ? statusCode : 500);

    /// <summary>Bad sentinel token, proof or conduit token.</summary>
    public static IResult Forbidden(string detail) =>
        SimJson.Result(new JsonObject { ["detail"] = detail }, StatusCodes.Status403Forbidden);

    public static IResult ConversationNotFound(string conversationId) =>
        SimJson.Result(new JsonObject { ["detail"] = $"Can't load conversation {conversationId}" }, StatusCodes.Status404NotFound);

    /// <summary>Body shape uncertain (research §3.12 presumes <c>{"detail": …}</c>).</summary>
    public static IResult InvalidBody() =>
        SimJson.Result(new JsonObject { ["detail"] = "Invalid conversation body" }, StatusCodes.Status422UnprocessableEntity);

    /// <summary>Anonymous call without a usable device id. Sim choice: the real body is not captured.</summary>
    public static IResult MissingDevice() =>
        SimJson.Result(new JsonObject { ["detail"] = "Missing or invalid Oai-Device-Id" }, StatusCodes.Status401Unauthorized);
}
