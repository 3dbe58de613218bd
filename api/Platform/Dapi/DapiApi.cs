using System.Collections.Immutable;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Dapi;

namespace MirrorGate.Api.Platform.Dapi;

/// <summary>
/// Downstream API keys (seed <c>003</c>, research D.3): <c>/dapi/apply_apikey.dspy</c> makes an app with its key,
/// <c>/dapi/downapps.dspy</c> lists the caller's apps, <c>/dapi/get_apikey.dspy</c> shows one app's keys to its owner.
/// Every route needs a login (a session, or a key itself).
/// </summary>
public static class DapiApi
{
    private const int MaxNameLength = 100;
    private const int MaxDescriptionLength = 1000;
    private const string NotFound = "没有找到用户apikey";

    public static IEndpointRouteBuilder MapDapi(this IEndpointRouteBuilder routes)
    {
        routes.MapDspy("/dapi/apply_apikey.dspy", ApplyAsync);
        routes.MapDspy("/dapi/downapps.dspy", ListAsync);
        routes.MapDspy("/dapi/get_apikey.dspy", GetAsync);
        return routes;
    }

    /// <summary>
    /// The seed documents <c>{"status":"ok"}</c>; the original's code answers the new app with its keys (research D.3).
    /// Both are met: <c>ok</c> with the app under <c>data</c>, which a client of the seed ignores and one of the code reads.
    /// </summary>
    private static async Task<IResult> ApplyAsync(HttpContext context, FieldsReader fields, IPlatformCallerResolver callers, DownApiKeys keys)
    {
        var (p, error) = await DspyParams.ReadAsync(context, fields);
        if (p is null)
        {
            return error!;
        }

        if (await callers.ResolveAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        if (p.Text("appname") is not { } name)
        {
            return DspyResults.Error("需要应用名称appname");
        }

        if (name.Length > MaxNameLength)
        {
            return DspyResults.Error($"应用名称不能超过{MaxNameLength}个字符");
        }

        var description = p.Text("description");
        if (description?.Length > MaxDescriptionLength)
        {
            return DspyResults.Error($"应用描述不能超过{MaxDescriptionLength}个字符");
        }

        var allowed = (p.Text("allowedips") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToImmutableArray();
        if (allowed.FirstOrDefault(entry => !ClientAddress.IsValidEntry(entry)) is { } bad)
        {
            return DspyResults.Error($"allowedips格式不正确: {bad}");
        }

        var app = await keys.ApplyAsync(caller, name, description, allowed);
        return DspyResults.Ok(Row(app));
    }

    private static async Task<IResult> ListAsync(HttpContext context, IPlatformCallerResolver callers, DownApiKeys keys)
    {
        if (await callers.ResolveAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        var apps = await keys.ListAsync(caller);

        // The seed names id and appname; the original's code answers name and apikeyid: all are given.
        return DspyResults.Ok(new Dictionary<string, object?>
        {
            ["apikeys"] = apps.Select(a => new Dictionary<string, object?> { ["id"] = a.Id, ["appname"] = a.Name, ["name"] = a.Name, ["apikeyid"] = a.ApiKeyId }).ToList(),
        });
    }

    private static async Task<IResult> GetAsync(HttpContext context, FieldsReader fields, IPlatformCallerResolver callers, DownApiKeys keys)
    {
        var (p, error) = await DspyParams.ReadAsync(context, fields);
        if (p is null)
        {
            return error!;
        }

        if (await callers.ResolveAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        return p.Text("id") is { } id && await keys.GetOwnAsync(caller, id) is { } app
            ? DspyResults.Ok(Row(app))
            : DspyResults.Error(NotFound);
    }

    /// <summary>
    /// The app as the original's row reads, with the keys in clear (to their owner only). The seed spells the key
    /// <c>aapikey</c> and the code <c>apikey</c>; both are given, as is <c>appname</c> beside the row's <c>name</c>.
    /// </summary>
    private static Dictionary<string, object?> Row(DownApp app) => new()
    {
        ["id"] = app.Id,
        ["name"] = app.Name,
        ["appname"] = app.Name,
        ["description"] = app.Description,
        ["allowedips"] = string.Join(',', app.AllowedIps),
        ["orgid"] = app.OrgId,
        ["apikeyid"] = app.ApiKeyId,
        ["apikey"] = app.ApiKey.Value,
        ["aapikey"] = app.ApiKey.Value,
        ["secretkey"] = app.SecretKey.Value,
    };
}
