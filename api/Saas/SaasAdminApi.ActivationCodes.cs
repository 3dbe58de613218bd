using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Admin;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Tokens;
using MirrorGate.Grains.Users;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Saas;

/// <summary>
/// Activation codes: SoruxGPT's users. A code is one more credential of a user grain (beside mirror and login
/// tokens): a bearer for the account pool within a plan tier, until it expires, under the user's limits.
/// </summary>
public static partial class SaasAdminApi
{
    private static async Task<IResult> CreateActivationCodeAsync(HttpContext context, FieldsReader reader, IGrainFactory grains, UserTokens tokens,
        IOptionsMonitor<SaasAdminOptions> options, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var read = await reader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return SaasResults.FromBody(read);
        }

        var now = time.GetUtcNow();
        if (!JsonFields.TryString(body, "code", required: false, out var given, out var error)
            || !JsonFields.TryString(body, "user", required: false, out var userName, out error)
            || !TryPlan(body, out var plan, out error)
            || !TryExpiry(body, now, out var expiry, out error)
            || !TryLimits(body, out var limits, out error))
        {
            return SaasResults.BadRequest(error!);
        }

        if (expiry is { Value: { } at } && at <= now)
        {
            return SaasResults.BadRequest("'expires_at' is in the past: a new code must be usable.");
        }

        if (!string.IsNullOrEmpty(given) && ActivationCodeRules.Problem(given) is { } problem)
        {
            return SaasResults.BadRequest(problem);
        }

        var code = string.IsNullOrEmpty(given) ? tokens.Issue() : given;
        if (await grains.GetGrain<ITokenGrain>(tokens.IndexKey(code)).ResolveAsync() is not null)
        {
            return SaasResults.Fail(StatusCodes.Status409Conflict, "This activation code exists already: change it with /adminapi/updateActivationCode.");
        }

        var name = string.IsNullOrWhiteSpace(userName) ? "code-" + tokens.IndexKey(code)[..12] : userName.Trim();
        var user = grains.GetGrain<IUserGrain>(name);
        if (limits is not null)
        {
            var existing = await user.GetSnapshotAsync();
            await user.ConfigureAsync(new UserSettings([.. limits], existing?.IsolatedSession ?? true));
        }

        var issued = await user.IssueActivationCodeAsync(code, new ActivationCodeTerms(plan ?? options.CurrentValue.DefaultPlan, expiry?.Value));
        return issued.Succeeded
            ? SaasResults.Ok(CodeView(issued.Info!, name, now, issued.Code))
            : SaasResults.Fail(StatusCodes.Status409Conflict, issued.Refusal!);
    }

    /// <summary>New terms for a code: its plan, its expiry (a past one expires it now; <c>never</c> clears it).</summary>
    private static async Task<IResult> UpdateActivationCodeAsync(HttpContext context, FieldsReader reader, IGrainFactory grains, UserTokens tokens,
        [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var read = await reader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return SaasResults.FromBody(read);
        }

        var now = time.GetUtcNow();
        if (!JsonFields.TryString(body, "code", required: true, out var code, out var error)
            || !TryPlan(body, out var plan, out error)
            || !TryExpiry(body, now, out var expiry, out error))
        {
            return SaasResults.BadRequest(error!);
        }

        if (await FindAsync(grains, tokens, code!) is not { } record)
        {
            return UnknownCode();
        }

        var issued = await grains.GetGrain<IUserGrain>(record.UserName)
            .IssueActivationCodeAsync(code!, new ActivationCodeTerms(plan ?? record.Plan ?? "free", expiry is null ? record.ExpiresAt : expiry.Value));
        return issued.Succeeded
            ? SaasResults.Ok(CodeView(issued.Info!, record.UserName, now, code: null))
            : SaasResults.Fail(StatusCodes.Status409Conflict, issued.Refusal!);
    }

    private static async Task<IResult> RevokeActivationCodeAsync(HttpContext context, FieldsReader reader, IGrainFactory grains, UserTokens tokens)
    {
        var read = await reader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return SaasResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "code", required: true, out var code, out var error))
        {
            return SaasResults.BadRequest(error);
        }

        if (await FindAsync(grains, tokens, code!) is not { } record || !await grains.GetGrain<IUserGrain>(record.UserName).RevokeActivationCodeAsync(code!))
        {
            return UnknownCode();
        }

        return SaasResults.Ok(new { user = record.UserName, revoked = true });
    }

    /// <summary>Every activation code (never its value: an id and its last characters), or those of <c>user</c>.</summary>
    private static async Task<IResult> ListActivationCodesAsync(HttpContext context, FieldsReader reader, IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var read = await reader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return SaasResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "user", required: false, out var only, out var error))
        {
            return SaasResults.BadRequest(error);
        }

        IReadOnlyList<string> names = string.IsNullOrWhiteSpace(only) ? await grains.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.Key).ListAsync() : [only.Trim()];
        var now = time.GetUtcNow();
        var rows = new JsonArray();
        foreach (var name in names)
        {
            if (await grains.GetGrain<IUserGrain>(name).GetSnapshotAsync() is { } user)
            {
                foreach (var info in user.ActivationCodes)
                {
                    rows.Add(CodeView(info, name, now, code: null));
                }
            }
        }

        return SaasResults.Ok(rows);
    }

    private static async Task<TokenRecord?> FindAsync(IGrainFactory grains, UserTokens tokens, string code) =>
        await grains.GetGrain<ITokenGrain>(tokens.IndexKey(code)).ResolveAsync() is { Kind: UserTokenKind.ActivationCode } record ? record : null;

    private static IResult UnknownCode() => SaasResults.Fail(StatusCodes.Status404NotFound, "Unknown or revoked activation code.");

    private static JsonObject CodeView(ActivationCodeInfo info, string user, DateTimeOffset now, string? code)
    {
        var view = new JsonObject
        {
            ["id"] = info.Id,
            ["hint"] = info.Hint,
            ["user"] = user,
            ["plan"] = info.Plan,
            ["expires_at"] = info.ExpiresAt?.ToUnixTimeSeconds(),
            ["expired"] = info.ExpiresAt <= now,
            ["issued_at"] = info.IssuedAt.ToUnixTimeSeconds(),
        };
        if (code is not null)
        {
            // Shown once, when it is created.
            view["activation_code"] = code;
        }

        return view;
    }

    private static bool TryPlan(JsonObject body, out string? plan, out string? error)
    {
        if (!JsonFields.TryString(body, "plan", required: false, out plan, out error))
        {
            return false;
        }

        plan = string.IsNullOrWhiteSpace(plan) ? null : plan.Trim().ToLowerInvariant();
        if (plan is not null && !ActivationCodeRules.Plans.Contains(plan))
        {
            error = $"Invalid value for 'plan': one of {string.Join(", ", ActivationCodeRules.Plans)}.";
            return false;
        }

        return true;
    }

    /// <summary>
    /// <c>expires_at</c> (Unix seconds, as a number or a string, an ISO 8601 time, or <c>never</c>) or <c>days</c> from
    /// now. Null when neither is given; a wrapped null when the code never expires.
    /// </summary>
    private static bool TryExpiry(JsonObject body, DateTimeOffset now, out Expiry? expiry, out string? error)
    {
        expiry = null;
        error = null;
        var at = body["expires_at"];
        var days = body["days"];
        if (at is not null && days is not null)
        {
            error = "Give 'expires_at' or 'days', not both.";
            return false;
        }

        if (days is not null)
        {
            var text = days.GetValueKind() == JsonValueKind.String ? days.GetValue<string>() : days.ToJsonString();
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 36500)
            {
                error = "Invalid value for 'days': a whole number of days from 1 to 36500.";
                return false;
            }

            expiry = new Expiry(now.AddDays(count));
            return true;
        }

        if (at is null)
        {
            return true;
        }

        var value = at.GetValueKind() == JsonValueKind.String ? at.GetValue<string>().Trim() : at.ToJsonString();
        if (value.Equals("never", StringComparison.OrdinalIgnoreCase))
        {
            expiry = new Expiry(null);
            return true;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799)
        {
            expiry = new Expiry(DateTimeOffset.FromUnixTimeSeconds(seconds));
            return true;
        }

        if (at.GetValueKind() == JsonValueKind.String && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            expiry = new Expiry(time);
            return true;
        }

        error = "Invalid value for 'expires_at': Unix seconds, an ISO 8601 time, or 'never'.";
        return false;
    }

    /// <summary><c>limits</c> as for mirror tokens; in a form, as a JSON string. Null when not given.</summary>
    private static bool TryLimits(JsonObject body, out IReadOnlyList<ModelLimit>? limits, out string? error)
    {
        limits = null;
        error = null;
        if (body["limits"] is not { } node)
        {
            return true;
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            try
            {
                body["limits"] = JsonNode.Parse(node.GetValue<string>());
            }
            catch (JsonException)
            {
                error = "Invalid value for 'limits': a JSON array of {model_name, every_minute, limit_count}.";
                return false;
            }
        }

        if (!AdminRequests.TryLimits(body, out var parsed, out error))
        {
            return false;
        }

        limits = parsed;
        return true;
    }

    /// <summary>An expiry that was given: a time, or null for never.</summary>
    private sealed record Expiry(DateTimeOffset? Value);
}
