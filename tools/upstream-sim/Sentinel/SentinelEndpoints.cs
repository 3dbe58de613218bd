using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Sentinel;

/// <summary>The sentinel handshakes (research §3.4): legacy <c>chat-requirements</c>, and the newest
/// <c>prepare</c> → <c>finalize</c> pair; under <c>/backend-api</c> and <c>/backend-anon</c>.</summary>
internal sealed class SentinelEndpoints(
    CallerResolver callers,
    SentinelStore store,
    SimulatorOptions options,
    ILogger<SentinelEndpoints> logger)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (prefix, anonymous) in new[] { ("/backend-api", false), ("/backend-anon", true) })
        {
            app.MapPost($"{prefix}/sentinel/chat-requirements", (HttpContext c, SentinelEndpoints e) => e.LegacyAsync(c, anonymous));
            app.MapPost($"{prefix}/sentinel/chat-requirements/prepare", (HttpContext c, SentinelEndpoints e) => e.PrepareAsync(c, anonymous));
            app.MapPost($"{prefix}/sentinel/chat-requirements/finalize", (HttpContext c, SentinelEndpoints e) => e.FinalizeAsync(c, anonymous));
        }
    }

    private async Task<IResult> LegacyAsync(HttpContext context, bool anonymous)
    {
        var (caller, error) = await AuthenticateWithRequirementsAsync(context, SimEndpoints.ChatRequirements, anonymous);
        if (error is not null || caller is null)
        {
            return error!;
        }

        if (ForcedLogin(caller) is { } forced)
        {
            return forced;
        }

        var grant = store.IssueChallenge(SentinelGrantKind.Legacy, caller.OwnerKey, options.LegacyPowHash);
        return SimJson.Result(new JsonObject
        {
            ["persona"] = caller.Persona,
            ["token"] = grant.Token,
            ["arkose"] = new JsonObject { ["required"] = false, ["dx"] = null },
            ["turnstile"] = new JsonObject { ["required"] = false },
            ["proofofwork"] = Challenge(grant),
            ["force_login"] = false,
        });
    }

    private async Task<IResult> PrepareAsync(HttpContext context, bool anonymous)
    {
        var (caller, error) = await AuthenticateWithRequirementsAsync(context, SimEndpoints.ChatRequirementsPrepare, anonymous);
        if (error is not null || caller is null)
        {
            return error!;
        }

        if (ForcedLogin(caller) is { } forced)
        {
            return forced;
        }

        var grant = store.IssueChallenge(SentinelGrantKind.Prepare, caller.OwnerKey, options.NewestPowHash);
        return SimJson.Result(new JsonObject
        {
            ["persona"] = caller.Persona,
            ["prepare_token"] = grant.Token,
            ["proofofwork"] = Challenge(grant),
            // Turnstile and "so" are never demanded: the simulator does not emulate their VMs (research §3.6).
            ["turnstile"] = new JsonObject { ["required"] = false },
            ["so"] = new JsonObject { ["required"] = false },
            ["force_login"] = false,
        });
    }

    private async Task<IResult> FinalizeAsync(HttpContext context, bool anonymous)
    {
        var (caller, error) = callers.Resolve(context, SimEndpoints.ChatRequirementsFinalize, anonymous);
        if (error is not null || caller is null)
        {
            return error!;
        }

        var body = await SimJson.ReadAsync(context.Request, context.RequestAborted);
        var prepared = store.Find(SimJson.String(body, "prepare_token"), caller.OwnerKey, SentinelGrantKind.Prepare);
        if (prepared is null)
        {
            return Reject(SimEndpoints.ChatRequirementsFinalize, "Invalid prepare token");
        }

        if (prepared.PowRequired
            && !ProofOfWork.Verify(SimJson.String(body, "proofofwork"), prepared.Seed, prepared.Difficulty, prepared.Hash))
        {
            return Reject(SimEndpoints.ChatRequirementsFinalize, "Invalid proof of work");
        }

        var grant = store.Finalize(prepared);
        return SimJson.Result(new JsonObject
        {
            ["persona"] = caller.Persona,
            ["token"] = grant.Token,
            ["expire_after"] = (long)options.SentinelTokenLifetime.TotalSeconds,
            ["expire_at"] = grant.ExpiresAt.ToUnixTimeSeconds(),
        });
    }

    /// <summary>Authenticates, then checks the requirements token <c>p</c> (<c>gAAAAAC</c> + base64 config).</summary>
    private async Task<(Caller? Caller, IResult? Error)> AuthenticateWithRequirementsAsync(HttpContext context, string endpoint, bool anonymous)
    {
        var (caller, error) = callers.Resolve(context, endpoint, anonymous);
        if (error is not null)
        {
            return (null, error);
        }

        var body = await SimJson.ReadAsync(context.Request, context.RequestAborted);
        return ProofOfWork.TryReadConfig(SimJson.String(body, "p"), ProofOfWork.RequirementsPrefix, out _)
            ? (caller, null)
            : (null, Reject(endpoint, "Invalid requirements token"));
    }

    /// <summary>Anonymous chat switched off answers like the 2026 capture: no token, <c>force_login:true</c>.</summary>
    private IResult? ForcedLogin(Caller caller) =>
        caller.Account is null && !options.AllowAnonymous
            ? SimJson.Result(new JsonObject
            {
                ["persona"] = caller.Persona,
                ["turnstile"] = new JsonObject { ["required"] = true },
                ["proofofwork"] = new JsonObject { ["required"] = false },
                ["force_login"] = true,
            })
            : null;

    private static JsonObject Challenge(SentinelGrant grant) => grant.PowRequired
        ? new JsonObject { ["required"] = true, ["seed"] = grant.Seed, ["difficulty"] = grant.Difficulty }
        : new JsonObject { ["required"] = false };

    private IResult Reject(string endpoint, string detail)
    {
        SimLog.Rejected(logger, endpoint, detail);
        return UpstreamErrors.Forbidden(detail);
    }
}
