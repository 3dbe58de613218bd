using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Control;

/// <summary>Small control surface under <c>/_sim/</c> for the standalone simulator (demos, manual runs).
/// Not part of the upstream protocol; no real client ever calls these paths.</summary>
internal sealed class ControlEndpoints(SimulatorControl control)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/_sim/accounts", (HttpContext c, ControlEndpoints e) => GuardAsync(() => e.AddAccountAsync(c)));
        app.MapPost("/_sim/accounts/{email}/revoke", (string email, ControlEndpoints e) => GuardAsync(() => Task.FromResult(e.Revoke(email))));
        app.MapPost("/_sim/faults", (HttpContext c, ControlEndpoints e) => GuardAsync(() => e.InjectFaultAsync(c)));
        app.MapDelete("/_sim/faults/{email}", (string email, ControlEndpoints e) => e.ClearFaults(email));
        app.MapGet("/_sim/calls", (ControlEndpoints e) => e.Calls());
    }

    /// <summary>Turns a bad control request (unknown account, wrong field type) into a 4xx instead of a 500.</summary>
    private static async Task<IResult> GuardAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (KeyNotFoundException ex)
        {
            return Results.NotFound(new { error = ex.Message });
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return Results.BadRequest(new { error = ex.Message });
        }
    }

    private async Task<IResult> AddAccountAsync(HttpContext context)
    {
        var body = await SimJson.ReadAsync(context.Request, context.RequestAborted);
        var email = SimJson.String(body, "email");
        if (string.IsNullOrWhiteSpace(email))
        {
            return Results.BadRequest(new { error = "email is required" });
        }

        var lifetime = body?["access_token_lifetime_seconds"]?.GetValue<double>() is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var account = control.AddAccount(email, SimJson.String(body, "plan") ?? "plus", lifetime, SimJson.String(body, "team_account_id"));
        return SimJson.Result(new JsonObject
        {
            ["email"] = account.Email,
            ["account_id"] = account.AccountId,
            ["user_id"] = account.UserId,
            ["plan"] = account.Plan,
            ["team_account_id"] = account.TeamAccountId,
            ["access_token"] = account.AccessToken,
            ["refresh_token"] = account.RefreshToken,
            ["session_token"] = account.SessionToken,
        });
    }

    private IResult Revoke(string email)
    {
        control.RevokeAccessTokens(email);
        return Results.NoContent();
    }

    private async Task<IResult> InjectFaultAsync(HttpContext context)
    {
        var body = await SimJson.ReadAsync(context.Request, context.RequestAborted);
        var email = SimJson.String(body, "email");
        if (string.IsNullOrWhiteSpace(email) || !Enum.TryParse<SimFaultKind>(SimJson.String(body, "kind"), ignoreCase: true, out var kind))
        {
            return Results.BadRequest(new { error = "email and kind (Unauthorized|RateLimited|ServerError|SlowStream|DropMidStream) are required" });
        }

        var fault = new SimFault(
            kind,
            StatusCode: body?["status_code"]?.GetValue<int>() ?? 0,
            ClearsInSeconds: body?["clears_in_seconds"]?.GetValue<int>() ?? 0,
            Model: SimJson.String(body, "model"),
            Times: body?["times"]?.GetValue<int>(),
            ChunkDelay: TimeSpan.FromMilliseconds(body?["chunk_delay_ms"]?.GetValue<double>() ?? 0),
            AfterChunks: body?["after_chunks"]?.GetValue<int>() ?? 0);
        control.InjectFault(email, fault);
        return Results.NoContent();
    }

    private IResult ClearFaults(string email)
    {
        control.ClearFaults(email);
        return Results.NoContent();
    }

    private IResult Calls() => SimJson.Result(new JsonObject
    {
        ["calls"] = new JsonArray([.. control.Calls().Select(row => (JsonNode)new JsonObject
        {
            ["endpoint"] = row.Endpoint,
            ["email"] = row.Email,
            ["count"] = row.Count,
        })]),
    });
}
