using System.Net;
using System.Text;

namespace MirrorGate.Tests.Upstream;

/// <summary>An <see cref="HttpMessageHandler"/> that records each request (with its body) and answers from a script.</summary>
internal sealed class StubHttpHandler(Func<RecordedRequest, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>Awaited before answering, with the request's cancellation token (to simulate a silent upstream).</summary>
    public Func<CancellationToken, Task>? Delay { get; set; }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage EventStream(string sse) =>
        new(HttpStatusCode.OK) { Content = new StringContent(sse, Encoding.UTF8, "text/event-stream") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        // NonValidated: the raw values as sent, not re-parsed (a parsed User-Agent would come back comma-joined).
        var headers = request.Headers.NonValidated
            .Concat(request.Content?.Headers.NonValidated ?? default)
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        Requests.Add(recorded);
        if (Delay is not null)
        {
            await Delay(cancellationToken);
        }

        var response = respond(recorded);
        response.RequestMessage = request;
        return response;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public string Path => Uri.AbsolutePath;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
