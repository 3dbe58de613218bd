using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Bench.Gateway;

namespace MirrorGate.Bench.Targets;

/// <summary>
/// The gateway: <c>POST /v1/chat/completions</c> with the service key over loopback HTTP/1.1. A whole answer is
/// read and its content checked; a stream is read until <c>data: [DONE]</c> (timing stops there) and then drained.
/// </summary>
internal sealed class GatewayTarget : ITurnTarget, IDisposable
{
    private static readonly byte[] DoneMarker = "data: [DONE]"u8.ToArray();
    private static readonly byte[] ErrorMarker = "\"error\""u8.ToArray();
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly byte[] _expectedContent = Encoding.UTF8.GetBytes("\"content\":\"" + Scenario.ExpectedReply + "\"");
    private readonly Dictionary<Scenario, byte[]> _bodies;

    public GatewayTarget(string name, GatewayProcess process, int maxConnections)
        : this(name, process.BaseAddress, maxConnections, GatewayProcess.ServiceKey) => Process = process;

    /// <summary>Any front end of the gateway (a node, or nginx before several), with any bearer value (service key, mirror token).</summary>
    public GatewayTarget(string name, Uri baseAddress, int maxConnections, string bearer)
    {
        Name = name;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        _bodies = new[] { Scenario.NonStream, Scenario.Streamed, Scenario.NonStreamTemporary, Scenario.StreamTemporary }.ToDictionary(s => s, Encode);
    }

    public string Name { get; }

    /// <summary>The gateway process this target talks to (its CPU is charged to this target's requests); null behind a proxy.</summary>
    public GatewayProcess? Process { get; }

    public async ValueTask RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new ByteArrayContent(BodyOf(scenario)) };
        request.Content.Headers.ContentType = Json;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"gateway answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        if (!scenario.Stream)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (body.AsSpan().IndexOf(_expectedContent) < 0)
            {
                throw new InvalidOperationException($"gateway answered {Encoding.UTF8.GetString(body)}");
            }

            return;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        if (!await ReadToDoneAsync(stream, cancellationToken))
        {
            throw new InvalidOperationException("gateway stream ended without [DONE] or carried an error event.");
        }
    }

    /// <summary><c>GET /ping</c>: the round trip of the HTTP hop and Kestrel alone, with no gateway work.</summary>
    public async ValueTask PingAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("/ping", cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /ping answered {(int)response.StatusCode}");
        }

        await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>A small body to check the gateway is up and the account works, with the first answer for the log.</summary>
    public async Task<string> ProbeAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new ByteArrayContent(BodyOf(Scenario.NonStream)) };
        request.Content.Headers.ContentType = Json;
        using var response = await _http.SendAsync(request, cancellationToken);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Reads until [DONE]; true when it came and no error event did. The rest (the chunked terminator) is drained untimed by disposal.</summary>
    private static async Task<bool> ReadToDoneAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            // Search only the new bytes plus an overlap the length of the marker.
            var from = Math.Max(0, filled - DoneMarker.Length);
            filled += read;
            var window = buffer.AsSpan(from, filled - from);
            if (window.IndexOf(DoneMarker) >= 0)
            {
                return buffer.AsSpan(0, filled).IndexOf(ErrorMarker) < 0;
            }
        }
    }

    private byte[] BodyOf(Scenario scenario) => _bodies[scenario];

    private static byte[] Encode(Scenario scenario)
    {
        var json = new JsonObject
        {
            ["model"] = "auto",
            ["stream"] = scenario.Stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = Scenario.Prompt }),
        };
        if (scenario.Temporary)
        {
            json["hatd"] = true;
        }

        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }
}
