using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Accounts;

/// <summary><c>GET /backend-api/accounts/check/v4-2023-04-27</c> and <c>GET /backend-api/me</c>.</summary>
internal sealed class AccountEndpoints(CallerResolver callers, SimulatorOptions options)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/backend-api/accounts/check/v4-2023-04-27", (HttpContext context, AccountEndpoints endpoints) => endpoints.Check(context));
        app.MapGet("/backend-api/me", (HttpContext context, AccountEndpoints endpoints) => endpoints.Me(context));
    }

    private IResult Check(HttpContext context)
    {
        var (caller, error) = callers.Resolve(context, SimEndpoints.AccountsCheck, anonymous: false);
        return error ?? SimJson.Result(AccountsCheckBody.For(caller!.Account!.Account, options.TimeProvider.GetUtcNow()));
    }

    private IResult Me(HttpContext context)
    {
        var (caller, error) = callers.Resolve(context, SimEndpoints.Me, anonymous: false);
        if (error is not null)
        {
            return error;
        }

        var account = caller!.Account!.Account;
        return SimJson.Result(new JsonObject
        {
            ["object"] = "user",
            ["id"] = account.UserId,
            ["email"] = account.Email,
            ["name"] = account.Email.Split('@')[0],
            ["picture"] = "https://s.gravatar.com/avatar/sim.png",
            ["created"] = options.TimeProvider.GetUtcNow().ToUnixTimeSeconds() - 86_400,
            ["phone_number"] = null,
            ["mfa_flag_enabled"] = false,
            ["amr"] = new JsonArray(),
            ["groups"] = new JsonArray(),
            ["orgs"] = new JsonObject { ["object"] = "list", ["data"] = new JsonArray() },
        });
    }
}
