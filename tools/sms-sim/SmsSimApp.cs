using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.SimHosting;

namespace MirrorGate.SmsSim;

/// <summary>
/// The simulator's web application. <c>POST /v1/sms/send</c> takes the gateway's HTTP sender body
/// <c>{"phone","code","message"}</c> with <c>Authorization: Bearer &lt;key&gt;</c>: 401 for another key, 400 for a
/// body without phone or code, 200 <c>{"ok":true,"id"}</c> when accepted. <c>/_sim/</c> endpoints read what arrived
/// and inject failures (loopback only, no authentication).
/// </summary>
internal static class SmsSimApp
{
    public static WebApplication Build(string apiKey, string[] args, bool standalone)
    {
        var builder = SimHost.CreateBuilder(typeof(SmsSimApp), args, standalone);
        builder.Services.AddSingleton(new SmsSimState(apiKey));
        var app = builder.Build();
        app.MapPost("/v1/sms/send", SendAsync);
        app.MapGet("/_sim/messages", (string? phone, SmsSimState state) => Results.Json(state.Received(phone)));
        app.MapPost("/_sim/fail", (int? count, int? status, SmsSimState state) =>
        {
            state.FailNext(count ?? 1, status ?? 503);
            return Results.Json(new { ok = true });
        });
        return app;
    }

    private static async Task<IResult> SendAsync(HttpContext context, SmsSimState state)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + state.ApiKey)
        {
            return Results.Json(new { ok = false, error = "invalid api key" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            body = null;
        }

        var phone = body?["phone"]?.GetValue<string>();
        var code = body?["code"]?.GetValue<string>();
        if (string.IsNullOrEmpty(phone) || string.IsNullOrEmpty(code))
        {
            return Results.Json(new { ok = false, error = "give phone and code" }, statusCode: StatusCodes.Status400BadRequest);
        }

        if (state.TakeFailure())
        {
            return Results.Json(new { ok = false, error = "simulated failure" }, statusCode: state.FailureStatus);
        }

        state.Record(new SmsReceived(phone, code, body?["message"]?.GetValue<string>() ?? string.Empty, DateTimeOffset.UtcNow));
        return Results.Json(new { ok = true, id = Guid.NewGuid().ToString("N") });
    }
}
