using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Users;

namespace MirrorGate.Api.Admin;

/// <summary>Validation of the admin set's request fields (chatgpt-gateway's names and rules).</summary>
internal static class AdminRequests
{
    /// <summary>
    /// <c>limits</c>: <c>[{model_name, every_minute, limit_count}]</c>; the name required, both numbers
    /// positive integers (the rules of chatgpt-gateway's admin), plus the gateway's own <c>tpm</c> and
    /// <c>concurrency</c> (positive integers; with either, the message count is optional). Missing means no limits.
    /// </summary>
    public static bool TryLimits(JsonObject body, out IReadOnlyList<ModelLimit> limits, out string? error)
    {
        limits = [];
        error = null;
        if (!body.TryGetPropertyValue("limits", out var node) || node is null)
        {
            return true;
        }

        if (node is not JsonArray array)
        {
            error = $"Invalid type for 'limits': expected an array, but got {JsonFields.Describe(node)}.";
            return false;
        }

        var result = new List<ModelLimit>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject item)
            {
                error = $"Invalid type for 'limits[{i}]': expected an object.";
                return false;
            }

            // Gateway-defined: "tpm" (tokens per minute) and "concurrency" (requests in flight). With either, the
            // message count (every_minute, limit_count) may be left out; given, it applies as well.
            var tpm = 0;
            var concurrency = 0;
            var extended = item["tpm"] is not null || item["concurrency"] is not null;
            var (everyMinute, limitCount) = (1, 0);
            if (!JsonFields.TryString(item, "model_name", required: true, out var model, out error)
                || (item["tpm"] is { } t && !JsonFields.TryPositiveInt(t, $"limits[{i}].tpm", out tpm, out error))
                || (item["concurrency"] is { } c && !JsonFields.TryPositiveInt(c, $"limits[{i}].concurrency", out concurrency, out error))
                || ((!extended || item["every_minute"] is not null || item["limit_count"] is not null)
                    && (!JsonFields.TryPositiveInt(item["every_minute"], $"limits[{i}].every_minute", out everyMinute, out error)
                        || !JsonFields.TryPositiveInt(item["limit_count"], $"limits[{i}].limit_count", out limitCount, out error))))
            {
                error = error!.Replace("'model_name'", $"'limits[{i}].model_name'", StringComparison.Ordinal);
                return false;
            }

            result.Add(new ModelLimit(model!, everyMinute, limitCount) { TokensPerMinute = tpm, MaxConcurrent = concurrency });
        }

        limits = result;
        return true;
    }

    /// <summary>
    /// <c>username_list</c> or <c>chatgpt_list</c>: an array of strings, none blank. A blank entry would
    /// name no user or account (and is not a valid grain key), so it is the caller's mistake to report.
    /// </summary>
    public static bool TryNameList(JsonObject body, string name, out IReadOnlyList<string> values, [NotNullWhen(false)] out string? error)
    {
        if (!JsonFields.TryStringArray(body, name, required: true, out values, out error))
        {
            return false;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                error = $"Invalid value for '{name}[{i}]': it must not be blank.";
                return false;
            }
        }

        return true;
    }

    public static bool TryUserName(JsonObject body, out string userName, out string? error)
    {
        var ok = JsonFields.TryString(body, "user_name", required: true, out var value, out error);
        userName = value?.Trim() ?? string.Empty;
        if (ok && userName.Length == 0)
        {
            error = "Invalid value for 'user_name': it must not be blank.";
            return false;
        }

        return ok;
    }
}
