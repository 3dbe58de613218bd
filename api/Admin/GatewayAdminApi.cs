using MirrorGate.Api.Hosting;
using MirrorGate.Api.Http;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Accounts;
using MirrorGate.Grains.Tokens;
using MirrorGate.Silo.Hosting;
using MirrorGate.Upstream.ChatGpt;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Admin;

/// <summary>
/// chatgpt-gateway's admin set (seed <c>002</c>; shapes in research "Seed C"): log users in and out,
/// hand out mirror tokens with model limits, import accounts, read use counts, and the no-login link.
/// </summary>
public static class GatewayAdminApi
{
    /// <summary>Hours reported by <c>/api/get-chatgpt-use-count</c> as <c>last_1h</c> … <c>last_24h</c>.</summary>
    private const int ReportedHours = 24;

    public static IEndpointRouteBuilder MapGatewayAdminApi(this IEndpointRouteBuilder routes)
    {
        // MIRROR_API_PREFIX moves the mirror API only; the admin set stays at /api and is served under
        // the prefix as well, because some chatgpt-gateway clients put the prefix in front of every path.
        MapAdminSet(routes, "/api");
        if (routes.ServiceProvider.GetRequiredService<IOptions<GatewayApiOptions>>().Value.MirrorApiPrefix is { Length: > 0 } prefix)
        {
            MapAdminSet(routes, $"/{prefix}/api");
        }

        return routes;
    }

    private static void MapAdminSet(IEndpointRouteBuilder routes, string basePath)
    {
        var family = routes.MapGroup(basePath).InFamily(ApiFamily.Admin);
        var admin = family.MapGroup(string.Empty).AddEndpointFilter<AdminAuthFilter>().AddEndpointFilter<Audit.AuditFilter>();
        admin.MapPost("/login", LoginAsync);
        admin.MapPost("/logout", LogoutAsync);
        admin.MapPost("/get-mirror-token", GetMirrorTokenAsync);
        admin.MapPost("/get-user-info", GetUserInfoAsync);
        admin.MapPost("/get-user-use-count", GetUserUseCountAsync).WithMetadata(Console.ReadsOnly.Instance);
        admin.MapPost("/get-chatgpt-use-count", GetChatGptUseCountAsync).WithMetadata(Console.ReadsOnly.Instance);

        // Gateway-defined (not in the seed): take an account out of service or put it back. In a
        // cluster every node stops picking it as soon as the account grain's change reaches its pool (milliseconds).
        admin.MapPost("/set-chatgpt-status", SetChatGptStatusAsync);

        // Gateway-defined: the pooled accounts' list, a token-file import and a probe (docs/adminapi.md).
        AccountAdminApi.Map(admin);

        // Gateway-defined: the nodes of this cluster as the membership table shows them.
        admin.MapGet("/cluster", GetClusterAsync);

        // Gateway-defined: OpenAI-compatible API channels (docs/channels.md).
        Channels.ChannelAdminApi.Map(admin);

        // Gateway-defined: pricing programs, LLM products and customer discounts of the 元境 platform (docs/ledger.md).
        Platform.Pricing.PricingAdminApi.Map(admin);
        Platform.Accounting.WalletAdminApi.Map(admin);

        // Gateway-defined: the console's lists of usage, orders, video tasks and users, with CSV export (docs/console-data.md).
        AdminQueries.AdminQueryApi.Map(admin);

        // Gateway-defined: this node's live view (docs/observability.md).
        Observability.LiveStatsApi.Map(admin);

        // Gateway-defined: the audit log of changes made through the admin APIs (docs/console.md).
        Audit.AuditAdminApi.Map(admin);

        // chatgpt-gateway's proxy health check, with its ?admin_password= form (docs/proxies.md).
        Proxies.ProxyAdminApi.Map(family);

        // The no-login link is opened by end users, so it is outside the admin password.
        family.MapGet("/not-login", NotLoginAsync);

        // Any other path or method under the set: a 404 in its shape rather than an empty body.
        family.Map("/{**path}", (HttpContext context) =>
            AdminResults.Error(StatusCodes.Status404NotFound, $"Unknown admin route ({context.Request.Method} {context.Request.Path})."));
    }

    private static async Task<IResult> LoginAsync(HttpContext context, JsonBodyReader reader, AccountOnboarding onboarding, IGrainFactory grains, AccountPool pool)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!AdminRequests.TryUserName(body, out var userName, out var error)
            || !JsonFields.TryString(body, "access_token", required: true, out var accessToken, out error)
            || !AdminRequests.TryLimits(body, out var limits, out error)
            || !JsonFields.TryBool(body, "isolated_session", out var isolated, out error)
            || !JsonFields.TryString(body, "proxy_url", required: false, out var proxyUrl, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        if (BearerShape.Classify(accessToken!) is not BearerKind.AccessToken)
        {
            return AdminResults.BadRequest("'access_token' must be a ChatGPT access token (a JWT starting with eyJ).");
        }

        var account = await onboarding.OnboardAsync(new AccountRegistration(new Secret(accessToken!), null, null, ProxyUrl: proxyUrl));
        if (!account.Succeeded)
        {
            return AccountError(account);
        }

        pool.Publish(account.Snapshot!);

        var user = grains.GetGrain<IUserGrain>(userName);
        await user.ConfigureAsync(new UserSettings([.. limits], isolated ?? true));
        var token = await user.GetOrCreateTokenAsync(account.Snapshot!.AccountId, UserTokenKind.Login);
        return Results.Json(new Dictionary<string, string> { ["user-gateway-token"] = token });
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!AdminRequests.TryUserName(body, out var userName, out var error))
        {
            return AdminResults.BadRequest(error!);
        }

        await grains.GetGrain<IUserGrain>(userName).LogoutAsync();
        return Results.Json(new { message = "ok" });
    }

    private static async Task<IResult> SetChatGptStatusAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains, AccountPool pool)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "chatgpt", required: true, out var email, out var error)
            || !JsonFields.TryBool(body, "disabled", out var disabled, out error)
            || !JsonFields.TryString(body, "reason", required: false, out var reason, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        if (disabled is null)
        {
            return AdminResults.BadRequest("'disabled' is required: true takes the account out of service, false puts it back.");
        }

        var account = grains.GetGrain<IAccountGrain>(AccountIds.ForEmail(email!));
        if (await account.GetSnapshotAsync() is null)
        {
            return AdminResults.BadRequest($"Unknown ChatGPT account '{email}': import it with /api/get-user-info first.");
        }

        await account.SetDisabledAsync(disabled.Value, reason ?? (disabled.Value ? "disabled by the operator" : null));
        var snapshot = await account.GetSnapshotAsync();
        pool.Publish(snapshot!);
        return Results.Json(new { message = "ok", chatgpt = email, status = snapshot!.Status.ToString() });
    }

    /// <summary>The silos as Orleans' membership table shows them (Redis in a cluster; the one local silo when embedded).</summary>
    private static async Task<IResult> GetClusterAsync(IGrainFactory grains, NodeDescription node, PoolFeed feed, TimeProvider runtimeClock, IServiceProvider services)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        var local = services.GetService<ILocalSiloDetails>()?.SiloAddress;
        return Results.Json(new
        {
            mode = node.Mode,
            front_end = feed.NodeId,
            alive = hosts.Count(h => h.Status == SiloStatus.Active),
            nodes = hosts.OrderBy(h => h.StartTime).Select(h => new
            {
                node_id = h.SiloName,
                address = h.SiloAddress.ToParsableString(),
                host_name = h.HostName,
                status = h.Status.ToString().ToLowerInvariant(),
                gateway_port = h.ProxyPort,
                started_at = new DateTimeOffset(h.StartTime, TimeSpan.Zero),
                heartbeat_at = new DateTimeOffset(h.IAmAliveTime, TimeSpan.Zero),
                heartbeat_age_seconds = Math.Round((runtimeClock.GetUtcNow() - new DateTimeOffset(h.IAmAliveTime, TimeSpan.Zero)).TotalSeconds, 1),
                self = local is not null && h.SiloAddress.Equals(local),
            }),
        });
    }

    private static async Task<IResult> GetMirrorTokenAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!AdminRequests.TryUserName(body, out var userName, out var error)
            || !AdminRequests.TryLimits(body, out var limits, out error)
            || !JsonFields.TryBool(body, "isolated_session", out var isolated, out error)
            || !AdminRequests.TryNameList(body, "chatgpt_list", out var emails, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        // Check every account before changing anything, so a bad list leaves the user as it was.
        foreach (var email in emails)
        {
            if (await grains.GetGrain<IAccountGrain>(AccountIds.ForEmail(email)).GetSnapshotAsync() is null)
            {
                return AdminResults.BadRequest($"Unknown ChatGPT account '{email}': import it with /api/get-user-info first.");
            }
        }

        var user = grains.GetGrain<IUserGrain>(userName);
        await user.ConfigureAsync(new UserSettings([.. limits], isolated ?? true));
        var result = new List<object>(emails.Count);
        foreach (var email in emails)
        {
            var token = await user.GetOrCreateTokenAsync(AccountIds.ForEmail(email), UserTokenKind.Mirror);
            result.Add(new { chatgpt_username = email, mirror_token = token });
        }

        return Results.Json(result);
    }

    private static async Task<IResult> GetUserInfoAsync(HttpContext context, JsonBodyReader reader, AccountOnboarding onboarding, AccountPool pool)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "chatgpt_token", required: true, out var token, out var error))
        {
            return AdminResults.BadRequest(error!);
        }

        var registration = BearerShape.Classify(token!) switch
        {
            BearerKind.AccessToken => new AccountRegistration(new Secret(token!), null, null),
            BearerKind.RefreshToken => new AccountRegistration(null, new Secret(token!), null),
            BearerKind.SessionToken => new AccountRegistration(null, null, new Secret(token!)),
            _ => null,
        };
        if (registration is null)
        {
            return AdminResults.BadRequest("'chatgpt_token' must be an access token, a session token or a refresh token.");
        }

        var account = await onboarding.OnboardAsync(registration);
        if (!account.Succeeded)
        {
            return AccountError(account);
        }

        // The grain pushes the change to every node's pool a moment later; this node takes it now, so that the
        // operator's next request here already finds the account.
        pool.Publish(account.Snapshot!);

        var snapshot = account.Snapshot!;
        var tokens = account.Tokens;
        return Results.Json(new
        {
            user_info = new
            {
                email = snapshot.Email,
                plan_type = snapshot.PlanType,
                account_id = snapshot.AccountId,
                team_account_id = snapshot.TeamAccountId,
                status = snapshot.Status.ToString().ToLowerInvariant(),
                expires = snapshot.AccessTokenExpiresAt,
            },
            access_token = tokens?.AccessToken.Value,
            session_token = tokens?.SessionToken?.Value,
            refresh_token = tokens?.RefreshToken?.Value,
        });
    }

    private static async Task<IResult> GetUserUseCountAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!AdminRequests.TryNameList(body, "username_list", out var userNames, out var error))
        {
            return AdminResults.BadRequest(error!);
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var usage = grains.GetGrain<IUsageGrain>(IUsageGrain.Key);
        foreach (var name in userNames)
        {
            // Users are stored under the trimmed user_name (see TryUserName); the answer keeps the name as sent.
            counts[name] = await usage.CountUserTodayAsync(name.Trim());
        }

        return Results.Json(counts);
    }

    private static async Task<IResult> GetChatGptUseCountAsync(HttpContext context, JsonBodyReader reader, IGrainFactory grains)
    {
        var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!AdminRequests.TryNameList(body, "chatgpt_list", out var emails, out var error))
        {
            return AdminResults.BadRequest(error!);
        }

        var result = new Dictionary<string, Dictionary<string, Dictionary<string, long>>>(StringComparer.Ordinal);
        var usage = grains.GetGrain<IUsageGrain>(IUsageGrain.Key);
        foreach (var email in emails)
        {
            var hourly = await usage.CountAccountHourlyAsync(AccountIds.ForEmail(email), ReportedHours);
            result[email] = hourly.ToDictionary(
                model => model.Key,
                model => model.Value.Select((count, hour) => (count, hour)).ToDictionary(b => $"last_{b.hour + 1}h", b => b.count));
        }

        return Results.Json(result);
    }

    private static async Task<IResult> NotLoginAsync(HttpContext context, IGrainFactory grains, UserTokens tokens)
    {
        var token = context.Request.Query["user_gateway_token"].ToString();
        var record = !tokens.IsGenuine(token) ? null : await grains.GetGrain<ITokenGrain>(tokens.IndexKey(token)).ResolveAsync();
        if (record is null)
        {
            return AdminResults.Error(StatusCodes.Status401Unauthorized, "The user_gateway_token is unknown or was revoked.");
        }

        context.Response.Cookies.Append("user-gateway-token", token, new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(7),
        });
        return Results.Redirect("/");
    }

    /// <summary>chatgpt-gateway's admin recognises a dead token by "token 失效" or "authentication token" in the message.</summary>
    private static IResult AccountError(AccountResult result) => result.Error switch
    {
        GrainInterfaces.Accounts.AccountError.UpstreamUnavailable => AdminResults.Error(StatusCodes.Status502BadGateway, result.Message!),
        GrainInterfaces.Accounts.AccountError.MissingToken => AdminResults.BadRequest(result.Message!),
        _ => AdminResults.Error(StatusCodes.Status401Unauthorized, $"token 失效: the authentication token is invalid or expired ({result.Message})"),
    };
}
