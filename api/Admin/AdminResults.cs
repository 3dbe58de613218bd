using MirrorGate.Api.Http;

namespace MirrorGate.Api.Admin;

/// <summary>
/// chatgpt-gateway's admin answers: JSON bodies, errors as <c>{"message": …}</c> with the status
/// (its Django admin shows <c>message</c> of any non-200 answer).
/// </summary>
public static class AdminResults
{
    public static IResult Error(int status, string message) => Results.Json(new { message }, statusCode: status);

    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, message);

    public static IResult FromBody(BodyRead read) =>
        Error(read.Problem is BodyProblem.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, read.Message!);
}
