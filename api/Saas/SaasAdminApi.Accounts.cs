using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.Grains.Accounts;
using MirrorGate.Grains.Hosting;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Saas;

public static partial class SaasAdminApi
{
    /// <summary>The cookie that holds a ChatGPT web session (what SoruxGPT's <c>rc</c> mode sends as <c>refresh_cookies</c>).</summary>
    private const string SessionCookie = "__Secure-next-auth.session-token";

    private static readonly string[] AccountFields = ["account", "password", "refresh_token", "access_token", "refresh_cookies", "mode"];

    /// <summary>
    /// Adds or updates an account. The mode follows from the fields sent (<c>rt</c> &gt; <c>rc</c> &gt; <c>at</c> when
    /// several are): every token given is stored, checked against the upstream first (token exchange, account check),
    /// with plan and expiry read. <c>app</c> (account and password) and <c>rk</c> are refused as not supported.
    /// </summary>
    private static async Task<IResult> AddAccountAsync(HttpContext context, FieldsReader reader, AccountOnboarding onboarding, AccountPool pool, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var read = await reader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return SaasResults.FromBody(read);
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in AccountFields)
        {
            if (!JsonFields.TryString(body, name, required: false, out var value, out var error))
            {
                return SaasResults.BadRequest(error);
            }

            fields[name] = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        var (registration, problem) = Registration(fields);
        if (registration is null)
        {
            return SaasResults.BadRequest(problem!);
        }

        var result = await onboarding.OnboardAsync(registration);
        if (!result.Succeeded)
        {
            // The credentials were refused: SoruxGPT's convention is an answer with code 0; an unreachable upstream is a 502.
            return result.Error is AccountError.UpstreamUnavailable
                ? SaasResults.Fail(StatusCodes.Status502BadGateway, result.Message ?? "The upstream could not be reached; try again.")
                : SaasResults.Fail(StatusCodes.Status200OK, result.Message ?? "The upstream refused the credentials.");
        }

        pool.Publish(result.Snapshot!);
        return SaasResults.Ok(AccountView(result.Snapshot!, usage: null, time.GetUtcNow()));
    }

    private static (AccountRegistration? Registration, string? Problem) Registration(IReadOnlyDictionary<string, string?> f)
    {
        var mode = f["mode"]?.ToLowerInvariant();
        if (mode is "rk")
        {
            return (null, "Mode 'rk' is not supported by MirrorGate: send refresh_token (rt), refresh_cookies (rc) or access_token (at).");
        }

        if (mode is not (null or "rt" or "rc" or "at" or "app"))
        {
            return (null, $"Unknown mode '{f["mode"]}': the modes are rt, rc and at (the mode follows from the fields sent; 'mode' may be left out).");
        }

        string? session = null;
        if (f["refresh_cookies"] is { } cookies && (session = SessionTokenOf(cookies)) is null)
        {
            return (null, $"'refresh_cookies' holds no {SessionCookie}: send the cookie's value, or the whole Cookie header that contains it.");
        }

        if (f["access_token"] is { } access && BearerShape.Classify(access) is not BearerKind.AccessToken)
        {
            return (null, "'access_token' must be a ChatGPT access token (a JWT starting with eyJ).");
        }

        if (f["refresh_token"] is null && session is null && f["access_token"] is null)
        {
            return (null, mode is "app" || f["password"] is not null
                ? "Mode 'app' (account and password) is not supported by MirrorGate, which never logs in with passwords: send refresh_token (rt), refresh_cookies (rc) or access_token (at)."
                : "Send refresh_token (rt), refresh_cookies (rc) or access_token (at).");
        }

        var missing = mode switch
        {
            "rt" when f["refresh_token"] is null => "refresh_token",
            "rc" when session is null => "refresh_cookies",
            "at" when f["access_token"] is null => "access_token",
            _ => null,
        };
        if (missing is not null)
        {
            return (null, $"Mode '{mode}' needs '{missing}'.");
        }

        return (new AccountRegistration(Secret.From(f["access_token"]), Secret.From(f["refresh_token"]), Secret.From(session)), null);
    }

    /// <summary>The session token in a cookie string (<c>name=value; …</c>), or the value itself when it is not one.</summary>
    private static string? SessionTokenOf(string cookies)
    {
        if (!cookies.Contains('='))
        {
            return cookies;
        }

        foreach (var part in cookies.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals] == SessionCookie && part[(equals + 1)..] is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Every pooled account, or the one named by <c>account</c> (an e-mail or an account id), with its state and use counts.</summary>
    private static async Task<IResult> StateAccountAsync(HttpContext context, FieldsReader reader, IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var read = await reader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return SaasResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "account", required: false, out var account, out var error))
        {
            return SaasResults.BadRequest(error);
        }

        IReadOnlyList<string> ids = string.IsNullOrWhiteSpace(account)
            ? await grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync()
            : [account.Contains('@') ? AccountIds.ForEmail(account) : account.Trim()];
        var usage = grains.GetGrain<IUsageGrain>(IUsageGrain.Key);
        var now = time.GetUtcNow();
        var rows = new JsonArray();
        foreach (var id in ids)
        {
            if (await grains.GetGrain<IAccountGrain>(id).GetSnapshotAsync() is not { } snapshot)
            {
                if (ids.Count == 1 && !string.IsNullOrWhiteSpace(account))
                {
                    return SaasResults.Fail(StatusCodes.Status404NotFound, $"Unknown account '{account}': add it with /adminapi/addAccount first.");
                }

                continue;
            }

            rows.Add(AccountView(snapshot, await usage.CountAccountHourlyAsync(id, 24), now));
        }

        return SaasResults.Ok(rows);
    }

    private static JsonObject AccountView(AccountSnapshot s, IReadOnlyDictionary<string, long[]>? usage, DateTimeOffset now)
    {
        var status = s.Status is AccountStatus.RateLimited && !(s.RateLimitedUntil > now) ? AccountStatus.Active : s.Status;
        var view = new JsonObject
        {
            ["account"] = s.Email ?? s.AccountId,
            ["account_id"] = s.AccountId,
            ["mode"] = s.CredentialMode,
            ["plan_type"] = s.PlanType,
            ["status"] = StatusName(status),
            ["team_account_id"] = s.TeamAccountId,
            ["access_token_exp"] = s.AccessTokenExpiresAt?.ToUnixTimeSeconds(),
            ["rate_limited_until"] = status is AccountStatus.RateLimited ? s.RateLimitedUntil?.ToUnixTimeSeconds() : null,
            ["cooldowns"] = new JsonObject(s.Cooldowns.Where(c => c.Value > now).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value.ToUnixTimeSeconds()))),
            ["last_error"] = status is AccountStatus.Active ? null : s.StatusReason,
            ["last_error_at"] = status is AccountStatus.Active ? null : s.StatusChangedAt?.ToUnixTimeSeconds(),
            ["in_pool"] = s.InPool,
        };
        if (usage is not null)
        {
            view["use_count_24h"] = usage.Values.Sum(hours => hours.Sum());
            view["use_count_by_model_24h"] = new JsonObject(usage.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value.Sum())));
        }

        return view;
    }

    private static string StatusName(AccountStatus status) => status switch
    {
        AccountStatus.RateLimited => "rate_limited",
        _ => status.ToString().ToLowerInvariant(),
    };
}
