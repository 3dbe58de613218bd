using System.Globalization;
using MirrorGate.Api.Admin;
using MirrorGate.GrainInterfaces.Dapi;
using MirrorGate.GrainInterfaces.Rbac;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.Api.AdminQueries;

/// <summary>
/// Gateway-defined admin lists of users (docs/console-data.md): the mirror-API users with their limits and today's
/// use, and the platform users with their org's wallet and their API keys (never a key's value). Paged by name: the
/// <c>next_after</c> of a page is the <c>after</c> of the next.
/// </summary>
public static class UserDirectoryApi
{
    private const int DefaultLimit = 50;

    private const int MaxLimit = 200;

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/users", ListUsersAsync);
        admin.MapGet("/platform-users", ListPlatformUsersAsync);
        admin.MapGet("/platform-users/{id}", GetPlatformUserAsync);
    }

    private static async Task<IResult> ListUsersAsync(HttpContext context, IGrainFactory grains)
    {
        if (!TryPage(context.Request, out var prefix, out var after, out var limit, out var error))
        {
            return AdminResults.BadRequest(error);
        }

        var names = await grains.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.DirectoryKey).PageAsync(prefix, after, limit + 1);
        var shown = names.Take(limit).ToList();
        var usage = grains.GetGrain<IUsageGrain>(IUsageGrain.Key);
        var rows = await Task.WhenAll(shown.Select(async name =>
        {
            var user = await grains.GetGrain<IUserGrain>(name).GetSnapshotAsync();
            return new
            {
                user_name = name,
                created_at = user?.CreatedAt,
                logged_out = user?.LoggedOut ?? true,
                isolated_session = user?.IsolatedSession,
                limits = (user?.Limits ?? []).Select(l => new
                {
                    model_name = l.ModelName,
                    every_minute = l.EveryMinute,
                    limit_count = l.LimitCount,
                    tpm = l.TokensPerMinute,
                    concurrency = l.MaxConcurrent,
                }),
                activation_codes = user?.ActivationCodes.Length ?? 0,
                use_count_today = await usage.CountUserTodayAsync(name),
            };
        }));
        return Results.Json(new { rows, next_after = names.Count > limit ? shown[^1] : null, limit });
    }

    private static async Task<IResult> ListPlatformUsersAsync(HttpContext context, IGrainFactory grains)
    {
        if (!TryPage(context.Request, out var prefix, out var after, out var limit, out var error))
        {
            return AdminResults.BadRequest(error);
        }

        var ids = await grains.GetGrain<IUserRegistryGrain>(IUserRegistryGrain.PlatformKey).PageAsync(prefix, after, limit + 1);
        var shown = ids.Take(limit).ToList();
        var rows = await Task.WhenAll(shown.Select(async id => await grains.GetGrain<IPlatformUserGrain>(id).GetAsync() is { } user
            ? UserJson(user, await grains.GetGrain<IWalletGrain>(user.OrgId).GetBalanceAsync())
            : new { id }));
        return Results.Json(new { rows, next_after = ids.Count > limit ? shown[^1] : null, limit });
    }

    private static async Task<IResult> GetPlatformUserAsync(string id, IGrainFactory grains)
    {
        if (await grains.GetGrain<IPlatformUserGrain>(id).GetAsync() is not { } user)
        {
            return AdminResults.Error(StatusCodes.Status404NotFound, $"No platform user '{id}'.");
        }

        var wallet = await grains.GetGrain<IWalletGrain>(user.OrgId).GetBalanceAsync();
        var apps = await grains.GetGrain<IDownAppListGrain>(user.Id).ListAsync();
        var keys = await Task.WhenAll(apps.Select(async entry =>
        {
            var app = await grains.GetGrain<IDownAppGrain>(entry.Id).GetAsync();
            return new
            {
                app_id = entry.Id,
                name = entry.Name,
                api_key_id = entry.ApiKeyId,
                created_at = entry.CreatedAt,
                expires_at = app?.ExpiresAt,
                allowed_ips = app?.AllowedIps.ToArray() ?? [],

                // The platform records no use of a key, and its API has no revoke (research D.3): both left out rather than guessed.
                last_used_at = (DateTimeOffset?)null,
            };
        }));
        return Results.Json(new { user = UserJson(user, wallet), api_keys = keys });
    }

    private static object UserJson(PlatformUser user, WalletBalance wallet) => new
    {
        id = user.Id,
        username = user.Username,
        nick_name = user.NickName,
        mobile = user.Mobile,
        org = user.OrgId,
        status = user.UserStatus,
        created_at = user.CreatedAt,
        last_login = user.LastLogin,
        wallet = new { balance = wallet.Balance, held = wallet.Held },
    };

    /// <summary><c>name</c> (a prefix), <c>after</c> (the last name of the page before) and <c>limit</c>; nothing else.</summary>
    private static bool TryPage(HttpRequest request, out string? prefix, out string? after, out int limit, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        prefix = after = null;
        limit = DefaultLimit;
        foreach (var (name, value) in request.Query)
        {
            if (name is not ("name" or "after" or "limit"))
            {
                error = $"Unknown parameter '{name}': this list takes 'name', 'after' and 'limit'.";
                return false;
            }

            if (value.Count != 1)
            {
                error = $"Parameter '{name}' is given {value.Count} times; give it once.";
                return false;
            }
        }

        var query = request.Query;
        prefix = string.IsNullOrWhiteSpace(query["name"]) ? null : query["name"].ToString().Trim();
        after = string.IsNullOrEmpty(query["after"]) ? null : query["after"].ToString();
        if (!string.IsNullOrEmpty(query["limit"])
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            error = $"'limit' must be a whole number from 1 to {MaxLimit}.";
            return false;
        }

        error = null;
        return true;
    }
}
