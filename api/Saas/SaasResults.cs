namespace MirrorGate.Api.Saas;

/// <summary>
/// SoruxGPT's answers. Success: <c>{"code":1,"msg":"ok","data":…}</c>, the convention of its hooks. A failure says
/// the same thing twice, so that a client reading either convention finds it: <c>{"code":0,"msg":m,"detail":{"message":m}}</c>
/// (<c>detail.message</c> is what its audit hooks and the research's reading of the admin API use). The HTTP status
/// tells what kind of failure it is (docs/adminapi.md).
/// </summary>
public static class SaasResults
{
    public static IResult Ok(object data) => Results.Json(new { code = 1, msg = "ok", data });

    public static IResult Fail(int status, string message) => Results.Json(new { code = 0, msg = message, detail = new { message } }, statusCode: status);

    public static IResult BadRequest(string message) => Fail(StatusCodes.Status400BadRequest, message);

    public static IResult FromBody(Http.BodyRead read) =>
        Fail(read.Problem is Http.BodyProblem.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, read.Message!);
}
