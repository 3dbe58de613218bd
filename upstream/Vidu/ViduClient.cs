using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Upstream.Vidu;

/// <summary>
/// Submits and queries Vidu tasks (research D.6): <c>POST /ent/v2/{text2video|img2video|reference2video|start-end2video}</c>
/// and <c>GET /ent/v2/tasks/{id}/creations</c>, with <c>Authorization: Token …</c>. Expected failures are values:
/// a refused submit (4xx) is final, a 5xx or an unreachable API may be tried again.
/// </summary>
public sealed partial class ViduClient(HttpClient http, IOptionsMonitor<ViduOptions> options, ILogger<ViduClient> logger)
{
    /// <summary>The submit endpoints Vidu offers.</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "text2video", "img2video", "reference2video", "start-end2video" };

    public Task<ViduAnswer> SubmitAsync(string kind, JsonObject body, CancellationToken cancellationToken) =>
        Kinds.Contains(kind)
            ? SendAsync(HttpMethod.Post, "ent/v2/" + kind, body, cancellationToken)
            : Task.FromResult(ViduAnswer.Failure($"unknown Vidu task kind '{kind}'", retryable: false));

    public Task<ViduAnswer> QueryAsync(string taskId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "ent/v2/tasks/" + Uri.EscapeDataString(taskId) + "/creations", null, cancellationToken);

    private async Task<ViduAnswer> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (string.IsNullOrEmpty(settings.ApiToken))
        {
            return ViduAnswer.Failure("Vidu:ApiToken is not configured", retryable: false);
        }

        var baseUrl = settings.BaseUrl.ToString().EndsWith('/') ? settings.BaseUrl : new Uri(settings.BaseUrl + "/");
        using var request = new HttpRequestMessage(method, new Uri(baseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", settings.ApiToken);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, method.Method, path, (int)response.StatusCode);
                var retryable = (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
                return ViduAnswer.Failure($"Vidu answered HTTP {(int)response.StatusCode}: {Shorten(text)}", retryable);
            }

            return (JsonNode.Parse(text) as JsonObject) is { } json && ViduTask.Parse(json) is { } task
                ? ViduAnswer.Of(task)
                : ViduAnswer.Failure("Vidu's answer names no task id and state", retryable: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnreachable(logger, method.Method, path, ex.Message);
            return ViduAnswer.Failure("Vidu could not be reached: " + ex.Message, retryable: true);
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vidu refused {Method} {Path}: HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, string method, string path, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vidu could not be reached for {Method} {Path}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string method, string path, string reason);
}
