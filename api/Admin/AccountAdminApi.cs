using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.Pool;
using MirrorGate.Api.TokenFiles;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Accounts;
using MirrorGate.Grains.Hosting;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Admin;

/// <summary>
/// Gateway-defined admin routes for pooled ChatGPT accounts, in the <c>/api/*</c> admin set (docs/adminapi.md): the
/// list with state, reason, plan, cool-downs and expiry; an import of a token file's contents (one token per line, the
/// token files' format); and a probe that checks one account against the upstream now. No answer holds a token.
/// </summary>
public static class AccountAdminApi
{
    /// <summary>Lines one import may carry: each is an upstream exchange, so a paste is bounded like any request.</summary>
    public const int MaxImportLines = 500;

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/accounts", ListAsync);
        admin.MapPost("/accounts/import", ImportAsync);
        admin.MapPost("/accounts/{id}/probe", ProbeAsync);
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var ids = await grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync();
        var snapshots = await Task.WhenAll(ids.Select(id => grains.GetGrain<IAccountGrain>(id).GetSnapshotAsync()));
        var now = time.GetUtcNow();
        return Results.Json(new
        {
            accounts = snapshots.OfType<AccountSnapshot>().OrderBy(s => s.Email ?? s.AccountId, StringComparer.Ordinal).Select(s => View(s, now)),
        });
    }

    /// <summary>
    /// <c>{"tokens": "…"}</c>: one access, refresh or session token per line, an optional <c>:&lt;team id&gt;</c> suffix,
    /// blank and <c>#</c> lines skipped. Each line is onboarded on its own; the answer says, per line number, what became
    /// of it (never the token).
    /// </summary>
    private static async Task<IResult> ImportAsync(HttpContext context, JsonBodyReader reader, AccountOnboarding onboarding, AccountPool pool, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "tokens", required: true, out var text, out var error))
        {
            return AdminResults.BadRequest(error!);
        }

        var lines = TokenFileLine.Parse(text!.Split('\n'));
        if (lines.Count == 0)
        {
            return AdminResults.BadRequest("'tokens' holds no token: one access, refresh or session token per line.");
        }

        if (lines.Count > MaxImportLines)
        {
            return AdminResults.BadRequest($"'tokens' holds {lines.Count} tokens; import at most {MaxImportLines} at a time.");
        }

        var results = new List<object>(lines.Count);
        var imported = 0;
        foreach (var line in lines)
        {
            var token = new Secret(line.Token);
            var registration = BearerShape.Classify(line.Token) switch
            {
                BearerKind.AccessToken => new AccountRegistration(token, null, null, line.TeamAccountId),
                BearerKind.RefreshToken => new AccountRegistration(null, token, null, line.TeamAccountId),
                BearerKind.SessionToken => new AccountRegistration(null, null, token, line.TeamAccountId),
                _ => null,
            };
            if (registration is null)
            {
                results.Add(new { line = line.LineNumber, ok = false, error = "Not an access, refresh or session token." });
                continue;
            }

            var result = await onboarding.OnboardAsync(registration);
            if (result.Succeeded)
            {
                pool.Publish(result.Snapshot!);
                imported++;
                results.Add(new { line = line.LineNumber, ok = true, account = View(result.Snapshot!, time.GetUtcNow()) });
            }
            else
            {
                results.Add(new { line = line.LineNumber, ok = false, error = result.Message ?? result.Error?.ToString() });
            }
        }

        return Results.Json(new { imported, results });
    }

    /// <summary>
    /// Checks the account now: a usable access token (renewed when due or expired and renewable), then the upstream's
    /// account check, which records plan, ban or refusal as a registration does. A disabled account is not probed, and
    /// a probe never changes whether the account is in the pool.
    /// </summary>
    private static async Task<IResult> ProbeAsync(string id, IGrainFactory grains, AccountPool pool, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var account = grains.GetGrain<IAccountGrain>(id.Contains('@', StringComparison.Ordinal) ? AccountIds.ForEmail(id) : id);
        if (await account.GetSnapshotAsync() is not { } before)
        {
            return AdminResults.Error(StatusCodes.Status404NotFound, $"Unknown account '{id}'.");
        }

        if (before.Status is AccountStatus.Disabled)
        {
            return AdminResults.Error(StatusCodes.Status409Conflict, "The account is disabled: re-enable it before probing it.");
        }

        var credential = await account.GetCredentialAsync();
        string? problem = credential.Message;
        if (credential.Credential is { } usable)
        {
            // JoinPool false keeps the pool membership as stored (the grain ORs it in): a caller's own account that
            // an operator probes stays the caller's, and a pooled one stays pooled.
            var checkedAgain = await account.RegisterAsync(new AccountRegistration(usable.AccessToken, null, null, JoinPool: false));
            problem = checkedAgain.Succeeded ? null : checkedAgain.Message;
        }

        var after = await account.GetSnapshotAsync();
        pool.Publish(after!);
        return Results.Json(new { ok = problem is null, error = problem, account = View(after!, time.GetUtcNow()) });
    }

    public static JsonObject View(AccountSnapshot s, DateTimeOffset now)
    {
        var status = s.Status is AccountStatus.RateLimited && !(s.RateLimitedUntil > now) ? AccountStatus.Active : s.Status;
        return new JsonObject
        {
            ["id"] = s.AccountId,
            ["email"] = s.Email,
            ["mode"] = s.CredentialMode,
            ["plan_type"] = s.PlanType,
            ["status"] = status is AccountStatus.RateLimited ? "rate_limited" : status.ToString().ToLowerInvariant(),
            ["reason"] = status is AccountStatus.Active ? null : s.StatusReason,
            ["status_changed_at"] = s.StatusChangedAt,
            ["team_account_id"] = s.TeamAccountId,
            ["access_token_expires_at"] = s.AccessTokenExpiresAt,
            ["can_refresh"] = s.CanRefresh,
            ["rate_limited_until"] = status is AccountStatus.RateLimited ? s.RateLimitedUntil : null,
            ["cooldowns"] = new JsonObject(s.Cooldowns.Where(c => c.Value > now).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
            ["in_pool"] = s.InPool,
        };
    }
}
