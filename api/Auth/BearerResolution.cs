namespace MirrorGate.Api.Auth;

/// <summary>A resolved caller, or why the bearer was refused (with the HTTP status to answer).</summary>
public sealed record BearerResolution(Caller? Caller, int Status, string? Error, string? Code)
{
    public static BearerResolution Ok(Caller caller) => new(caller, StatusCodes.Status200OK, null, null);

    public static BearerResolution Refuse(string error, string code = "invalid_api_key", int status = StatusCodes.Status401Unauthorized) =>
        new(null, status, error, code);
}
