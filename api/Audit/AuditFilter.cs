using System.Buffers;
using System.Security.Claims;
using System.Text.Json.Nodes;
using MirrorGate.Api.Console;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Audit;
using MirrorGate.Grains.Hosting;

namespace MirrorGate.Api.Audit;

/// <summary>
/// Records every change made through an admin API (non-GET on <c>/api/*</c>, <c>/adminapi/*</c>; not the POST routes that
/// only read, <see cref="ReadsOnly"/>) once its answer has gone out: who, what, when and the status. It runs after the
/// API's own guard, so only authenticated requests are recorded. The body is read for the summary from a buffered copy
/// (the handler reads it again); the write happens after the response, so it adds nothing to the change's latency, and
/// admin changes are the only requests that pass here.
/// </summary>
internal sealed partial class AuditFilter(IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time, ILogger<AuditFilter> logger) : IEndpointFilter
{
    /// <summary>Bodies larger than this are described, not parsed, for the summary (a pasted token file can be large).</summary>
    private const int SummaryBodyLimit = 256 * 1024;

    /// <summary>The first buffer for a body of unknown length (chunked): admin changes are mostly a few hundred bytes.</summary>
    private const int ChunkedStart = 4 * 1024;

    private static readonly string[] TargetFields = ["id", "ppid", "llmid", "chatgpt", "email", "user_name", "user", "username", "name", "customer"];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (ConsoleRoles.IsSafe(http.Request.Method) || http.GetEndpoint()?.Metadata.GetMetadata<ReadsOnly>() is not null)
        {
            return await next(context);
        }

        var at = time.GetUtcNow();
        var (summary, bodyTarget) = await SummarizeAsync(http.Request);
        var (actor, role) = Who(http);
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "/";
        var target = http.Request.RouteValues.Where(v => v.Key != "path" && v.Value is string).Select(v => (string)v.Value!).FirstOrDefault() ?? bodyTarget;
        var method = http.Request.Method;
        http.Response.OnCompleted(async () =>
        {
            var entry = new AuditEntry(Guid.NewGuid().ToString("N"), at, actor, role, method, route, target, summary, http.Response.StatusCode);
            try
            {
                await grains.GetGrain<IAuditGrain>(IAuditGrain.Key).RecordAsync(entry);
            }
            catch (Exception ex)
            {
                // The change itself is done and answered; a lost audit row is logged loudly rather than failing it.
                LogAuditLost(logger, ex, method, route, actor);
            }
        });
        return await next(context);
    }

    private static (string Actor, string Role) Who(HttpContext http)
    {
        if (http.User.Identity is { IsAuthenticated: true, AuthenticationType: ConsoleGate.AuthenticationType } identity)
        {
            return (identity.Name ?? "console", http.User.FindFirstValue(ClaimTypes.Role) ?? "console");
        }

        return ApiFamilies.Of(http) is ApiFamily.Saas ? ("saas-admin-api", "api") : ("admin-api", "api");
    }

    private static async Task<(string Summary, string? Target)> SummarizeAsync(HttpRequest request)
    {
        if (request.ContentLength is 0)
        {
            return ("(empty body)", null);
        }

        if (request.ContentLength > SummaryBodyLimit)
        {
            return (AuditSummary.OfOther(request.ContentType, request.ContentLength), null);
        }

        // Buffered without a limit of its own (Kestrel's body limit still applies), so the handler can read the body
        // again from the start whatever its size; the summary itself reads at most SummaryBodyLimit bytes of it.
        request.EnableBuffering(bufferThreshold: 64 * 1024);
        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
                var fields = form.Select(f => KeyValuePair.Create(f.Key, f.Value.ToString())).ToList();
                return (AuditSummary.OfForm(fields, form.Files.Select(f => (f.Name, f.FileName, f.Length))), TargetOf(fields.ToDictionary(f => f.Key, f => (string?)f.Value)));
            }

            if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                return (AuditSummary.OfOther(type, request.ContentLength), null);
            }

            return await SummarizeJsonAsync(request);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A body this cannot read (bad JSON, duplicate keys, a broken form) is the handler's to refuse in its own
            // words; the audit notes that it could not be read, and never fails the request itself.
            return ($"(unreadable {request.ContentType ?? "body"})", null);
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static async Task<(string Summary, string? Target)> SummarizeJsonAsync(HttpRequest request)
    {
        var (buffer, length) = await ReadCappedAsync(request);
        try
        {
            if (length == 0)
            {
                return ("(empty body)", null);
            }

            if (length > SummaryBodyLimit)
            {
                return (AuditSummary.OfOther(request.ContentType, null), null);
            }

            var body = JsonNode.Parse(buffer.AsSpan(0, length));
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (body is JsonObject obj)
            {
                foreach (var (name, value) in obj)
                {
                    if (value is JsonValue scalar)
                    {
                        fields.TryAdd(name, scalar.TryGetValue<string>(out var text) ? text : scalar.ToJsonString());
                    }
                }
            }

            return (AuditSummary.OfJson(body), TargetOf(fields));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the body into a pooled buffer sized to it: its declared length (the server holds a body to its
    /// Content-Length), or for a chunked body a small buffer grown as the body arrives — either way never more than one
    /// byte past <see cref="SummaryBodyLimit"/>, which is how an oversized body shows. An admin change's summary thus
    /// costs a buffer of its own size, not a 256 KiB one on the large object heap. The caller returns the buffer.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadCappedAsync(HttpRequest request)
    {
        const int cap = SummaryBodyLimit + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } declared ? (int)Math.Min(declared, cap) : ChunkedStart);
        var length = 0;
        try
        {
            while (length < cap)
            {
                if (length == buffer.Length)
                {
                    var grown = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, cap));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, cap) - length), request.HttpContext.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static string? TargetOf(IReadOnlyDictionary<string, string?> fields)
    {
        foreach (var name in TargetFields)
        {
            if (fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value.Length > 120 ? value[..120] : value;
            }
        }

        return fields.TryGetValue("code", out var code) && code is not null ? AuditSummary.Masked(code) : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit entry lost for {Method} {Route} by {Actor}")]
    private static partial void LogAuditLost(ILogger logger, Exception exception, string method, string route, string actor);
}
