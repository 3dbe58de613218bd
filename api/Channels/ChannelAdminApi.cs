using System.Collections.Immutable;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MirrorGate.Api.Admin;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Channels;
using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.Api.Channels;

/// <summary>
/// Gateway-defined admin routes for channels, in the <c>/api/*</c> admin set (admin password, <c>{"message"}</c>
/// errors): add, list, disable and enable, and test with a real small upstream call. Keys go in once and never come
/// back out: answers show each key's last four characters.
/// </summary>
public static partial class ChannelAdminApi
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/channels", AddAsync);
        admin.MapGet("/channels", ListAsync);
        admin.MapPost("/channels/{id}/disable", (string id, HttpContext context, JsonBodyReader reader, IGrainFactory grains, ChannelPool pool) => SetDisabledAsync(id, true, context, reader, grains, pool));
        admin.MapPost("/channels/{id}/enable", (string id, HttpContext context, JsonBodyReader reader, IGrainFactory grains, ChannelPool pool) => SetDisabledAsync(id, false, context, reader, grains, pool));
        admin.MapPost("/channels/{id}/test", TestAsync);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex IdShape();

    private static async Task<IResult> AddAsync(HttpContext context, FieldsReader reader, IGrainFactory grains, ChannelPool pool)
    {
        var read = await reader.ReadAsync(context.Request, context.RequestAborted);
        if (read.Body is not { } body)
        {
            return AdminResults.FromBody(read);
        }

        if (!JsonFields.TryString(body, "name", required: true, out var name, out var error)
            || !JsonFields.TryString(body, "base_url", required: true, out var baseUrl, out error)
            || !JsonFields.TryString(body, "id", required: false, out var id, out error)
            || !JsonFields.TryStringArray(body, "keys", required: true, out var keyValues, out error)
            || !JsonFields.TryStringArray(body, "models", required: true, out var models, out error)
            || !TryMapping(body, out var mapping, out error)
            || !TryInt(body, "weight", 1, positive: true, out var weight, out error)
            || !TryInt(body, "priority", 0, positive: false, out var priority, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return AdminResults.BadRequest("Invalid value for 'name': it must not be blank.");
        }

        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(root.Query))
        {
            return AdminResults.BadRequest("Invalid value for 'base_url': an http or https URL such as https://api.openai.com/v1 (the paths /chat/completions … are appended).");
        }

        id = string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString("N")[..12] : id;
        if (!IdShape().IsMatch(id))
        {
            return AdminResults.BadRequest("Invalid value for 'id': lower-case letters, digits, '-' and '_', at most 40, starting with a letter or digit.");
        }

        if (keyValues.Count == 0 || keyValues.Any(string.IsNullOrWhiteSpace))
        {
            return AdminResults.BadRequest("Invalid value for 'keys': give at least one key, none blank.");
        }

        if (models.Count == 0 || models.Any(string.IsNullOrWhiteSpace))
        {
            return AdminResults.BadRequest("Invalid value for 'models': give at least one model name, none blank.");
        }

        var registry = grains.GetGrain<IChannelRegistryGrain>(IChannelRegistryGrain.Key);
        if (await registry.GetAsync(id) is not null)
        {
            return AdminResults.Error(StatusCodes.Status409Conflict, $"Channel '{id}' exists already.");
        }

        var channel = new ChannelDefinition(id, name!.Trim(), root.ToString().TrimEnd('/'), [.. models.Select(m => m.Trim()).Distinct(StringComparer.Ordinal)], mapping, weight, priority)
        {
            KeyIds = [.. Enumerable.Range(0, keyValues.Count).Select(i => ChannelIds.ForKey(id, i))],
        };

        // Keys first, the registry last: a node reloading in between finds no channel rather than keys it cannot read.
        var snapshots = new List<ChannelKeySnapshot>(keyValues.Count);
        for (var i = 0; i < keyValues.Count; i++)
        {
            var snapshot = await grains.GetGrain<IChannelKeyGrain>(channel.KeyIds[i]).ConfigureAsync(channel, new Secret(keyValues[i].Trim()));
            pool.Publish(snapshot);
            snapshots.Add(snapshot);
        }

        await registry.SaveAsync(channel);
        return Results.Json(Describe(channel, snapshots, pool), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains, ChannelPool pool)
    {
        var channels = await grains.GetGrain<IChannelRegistryGrain>(IChannelRegistryGrain.Key).ListAsync();
        var result = new List<object>(channels.Count);
        foreach (var channel in channels)
        {
            result.Add(Describe(channel, await SnapshotsAsync(channel, grains, pool), pool));
        }

        return Results.Json(new { channels = result });
    }

    private static async Task<IResult> SetDisabledAsync(string id, bool disabled, HttpContext context, JsonBodyReader reader, IGrainFactory grains, ChannelPool pool)
    {
        JsonObject body = [];
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
            if (read.Body is null)
            {
                return AdminResults.FromBody(read);
            }

            body = read.Body;
        }

        if (!JsonFields.TryString(body, "reason", required: false, out var reason, out var error)
            || !TryKeyIndex(body, out var keyIndex, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        if (await grains.GetGrain<IChannelRegistryGrain>(IChannelRegistryGrain.Key).GetAsync(id) is not { } channel)
        {
            return AdminResults.Error(StatusCodes.Status404NotFound, $"Unknown channel '{id}'.");
        }

        if (keyIndex is { } index && index >= channel.KeyIds.Length)
        {
            return AdminResults.BadRequest($"Invalid value for 'key': channel '{id}' has {channel.KeyIds.Length} keys (0 to {channel.KeyIds.Length - 1}).");
        }

        foreach (var keyId in keyIndex is { } one ? [channel.KeyIds[one]] : channel.KeyIds.AsEnumerable())
        {
            if (await grains.GetGrain<IChannelKeyGrain>(keyId).SetDisabledAsync(disabled, reason) is { } snapshot)
            {
                pool.Publish(snapshot);
            }
        }

        return Results.Json(Describe(channel, await SnapshotsAsync(channel, grains, pool), pool));
    }

    /// <summary>
    /// A real, small upstream call per key (a one-token chat completion, or an embedding of one word for a model named
    /// like an embedding model), reported with its status and time. A key the upstream refuses (401/403) is rejected
    /// as a request would reject it.
    /// </summary>
    private static async Task<IResult> TestAsync(string id, HttpContext context, JsonBodyReader reader, IGrainFactory grains, ChannelHttp http, ChannelPool pool)
    {
        JsonObject body = [];
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var read = await reader.ReadObjectAsync(context.Request, context.RequestAborted);
            if (read.Body is null)
            {
                return AdminResults.FromBody(read);
            }

            body = read.Body;
        }

        if (!JsonFields.TryString(body, "model", required: false, out var model, out var error) || !TryKeyIndex(body, out var keyIndex, out error))
        {
            return AdminResults.BadRequest(error!);
        }

        if (await grains.GetGrain<IChannelRegistryGrain>(IChannelRegistryGrain.Key).GetAsync(id) is not { } channel)
        {
            return AdminResults.Error(StatusCodes.Status404NotFound, $"Unknown channel '{id}'.");
        }

        if (keyIndex is { } index && index >= channel.KeyIds.Length)
        {
            return AdminResults.BadRequest($"Invalid value for 'key': channel '{id}' has {channel.KeyIds.Length} keys.");
        }

        model ??= channel.Models[0];
        var upstreamModel = channel.UpstreamModel(model);
        var embedding = model.Contains("embedding", StringComparison.OrdinalIgnoreCase);
        var uri = new Uri(channel.BaseUrl + (embedding ? "/embeddings" : "/chat/completions"));
        var payload = embedding
            ? JsonSerializer.SerializeToUtf8Bytes(new { model = upstreamModel, input = "ping" })
            : JsonSerializer.SerializeToUtf8Bytes(new { model = upstreamModel, messages = new[] { new { role = "user", content = "ping" } }, max_tokens = 1 });
        var results = new List<object>();
        var indexes = keyIndex is { } k ? [k] : Enumerable.Range(0, channel.KeyIds.Length);
        foreach (var i in indexes)
        {
            var grain = grains.GetGrain<IChannelKeyGrain>(channel.KeyIds[i]);
            if (await grain.GetKeyAsync() is not { } key)
            {
                continue;
            }

            using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(payload) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Value);
            var watch = Stopwatch.StartNew();
            int status;
            string text;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                using var response = await http.Client.SendAsync(message, timeout.Token);
                status = (int)response.StatusCode;
                var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 300)).Replace(key.Value, "***", StringComparison.Ordinal);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
            {
                status = 0;
                text = "the upstream could not be reached: " + ex.GetType().Name;
            }

            if (status is 401 or 403)
            {
                await grain.ReportRejectedAsync(status, "refused during a channel test");
            }

            results.Add(new
            {
                key_id = channel.KeyIds[i],
                ok = status is >= 200 and < 300,
                status,
                latency_ms = Math.Round(watch.Elapsed.TotalMilliseconds, 1),
                model = upstreamModel,
                detail = status is >= 200 and < 300 ? null : text,
            });
        }

        return Results.Json(new { channel = channel.ChannelId, results });
    }

    private static async Task<List<ChannelKeySnapshot>> SnapshotsAsync(ChannelDefinition channel, IGrainFactory grains, ChannelPool pool)
    {
        var snapshots = new List<ChannelKeySnapshot>(channel.KeyIds.Length);
        foreach (var keyId in channel.KeyIds)
        {
            if (await grains.GetGrain<IChannelKeyGrain>(keyId).GetSnapshotAsync() is { } snapshot)
            {
                pool.Publish(snapshot);
                snapshots.Add(snapshot);
            }
        }

        return snapshots;
    }

    private static object Describe(ChannelDefinition channel, IReadOnlyList<ChannelKeySnapshot> keys, ChannelPool pool) => new
    {
        id = channel.ChannelId,
        name = channel.Name,
        base_url = channel.BaseUrl,
        models = channel.Models,
        model_mapping = channel.ModelMapping,
        weight = channel.Weight,
        priority = channel.Priority,
        keys = keys.Select(k => new
        {
            key_id = k.KeyId,
            key = k.KeyHint,
            status = k.Status.ToString().ToLowerInvariant(),
            reason = k.StatusReason,
            status_changed_at = k.StatusChangedAt,
            cooldowns = k.Cooldowns,
        }),
    };

    private static bool TryMapping(JsonObject body, out ImmutableDictionary<string, string> mapping, out string? error)
    {
        mapping = ImmutableDictionary<string, string>.Empty;
        error = null;
        if (!body.TryGetPropertyValue("model_mapping", out var node) || node is null)
        {
            return true;
        }

        if (node is not JsonObject map)
        {
            error = $"Invalid type for 'model_mapping': expected an object of model names, but got {JsonFields.Describe(node)}.";
            return false;
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (from, to) in map)
        {
            if (to is not JsonValue value || !value.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
            {
                error = $"Invalid value for 'model_mapping.{from}': expected the upstream's model name.";
                return false;
            }

            builder[from] = name.Trim();
        }

        mapping = builder.ToImmutable();
        return true;
    }

    private static bool TryInt(JsonObject body, string name, int fallback, bool positive, out int value, out string? error)
    {
        value = fallback;
        error = null;
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return true;
        }

        if (positive)
        {
            return JsonFields.TryPositiveInt(node, name, out value, out error);
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue(out value))
        {
            error = $"Invalid type for '{name}': expected an integer, but got {JsonFields.Describe(node)}.";
            return false;
        }

        return true;
    }

    private static bool TryKeyIndex(JsonObject body, out int? index, out string? error)
    {
        index = null;
        error = null;
        if (!body.TryGetPropertyValue("key", out var node) || node is null)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<int>(out var value) || value < 0)
        {
            error = $"Invalid value for 'key': the key's index in the channel (0 for the first), but got {JsonFields.Describe(node)}.";
            return false;
        }

        index = value;
        return true;
    }
}
