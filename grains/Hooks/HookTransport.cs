using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using MirrorGate.GrainInterfaces.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Grains.Hooks;

/// <summary>
/// The one way a hook is called: a POST on the hooks' own <see cref="HttpClient"/> (no proxy, no redirects, the
/// address policy at connect time), bounded by <see cref="HooksOptions.Timeout"/>. What came back — or why nothing
/// did — is a <see cref="HookReply"/> value; only the caller's own cancellation is thrown.
/// </summary>
public sealed partial class HookTransport(IHttpClientFactory clients, IOptionsMonitor<HooksOptions> options, ILogger<HookTransport> logger)
{
    /// <summary>The named client (registered by <see cref="HooksServiceCollectionExtensions.AddHookTransport"/>).</summary>
    public const string ClientName = "mirrorgate-hooks";

    /// <summary>The billing multiplier header SoruxGPT sends with Audit and Notify: how many questions one request asks.</summary>
    public const string QueriesHeader = "queries";

    /// <summary>The header naming a notify delivery, the same on every attempt, so a receiver can drop a repeat.</summary>
    public const string DeliveryIdHeader = "Idempotency-Key";

    /// <summary>A hook's answer is read into memory; this bounds it (a body modifier is a whole chat payload).</summary>
    public const long MaxAnswerBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Audit and Notify: the upstream request body as JSON, <c>Authorization: Bearer</c> the user's own token and
    /// <c>queries</c>; a notify delivery also names itself in <see cref="DeliveryIdHeader"/>.
    /// </summary>
    public Task<HookReply> PostUserCallAsync(string hook, Uri url, string jsonBody, Secret userToken, int queries, string? deliveryId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(jsonBody, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken.Value);
        request.Headers.TryAddWithoutValidation(QueriesHeader, queries.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (deliveryId is not null)
        {
            request.Headers.TryAddWithoutValidation(DeliveryIdHeader, deliveryId);
        }

        return SendAsync(hook, request, cancellationToken);
    }

    /// <summary>OAuth: form fields as <c>multipart/form-data</c> ("Form-Data" in SoruxGPT's documentation).</summary>
    public Task<HookReply> PostFormAsync(string hook, Uri url, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value, Encoding.UTF8), name);
        }

        return SendAsync(hook, new HttpRequestMessage(HttpMethod.Post, url) { Content = form }, cancellationToken);
    }

    private async Task<HookReply> SendAsync(string hook, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var _ = request;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CurrentValue.Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                headers[name] = string.Join(",", values);
            }

            return HookReply.From((int)response.StatusCode, body, headers);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(hook, request.RequestUri, $"no answer within {options.CurrentValue.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // A refused address arrives wrapped by the handler; its own message says which rule refused it.
            var refused = FindRefusal(ex);
            return Failed(hook, request.RequestUri, refused?.Message ?? ex.Message);
        }
    }

    private HookReply Failed(string hook, Uri? url, string reason)
    {
        LogHookFailed(logger, hook, url?.Host ?? "?", reason);
        return HookReply.Unavailable(reason);
    }

    private static HookAddressRefusedException? FindRefusal(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is HookAddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>
    /// The hooks' handler: the address policy is applied to each resolved address right before the socket connects,
    /// so a name that resolves (or re-resolves) to a blocked address never gets a connection. No proxy (the policy
    /// would judge the proxy, not the hook), no redirects (a hook answers; it does not send the user's token on).
    /// </summary>
    internal static SocketsHttpHandler CreateHandler(IOptionsMonitor<HooksOptions> options) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, options.CurrentValue, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, HooksOptions settings, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var networks = settings.AllowedNetworks.Select(n => IPNetwork.TryParse(n, out var parsed) ? parsed : (IPNetwork?)null).OfType<IPNetwork>().ToList();
        var allowed = new List<IPAddress>();
        string? refusal = null;
        foreach (var address in addresses)
        {
            if (HookAddressPolicy.Refusal(address, settings.AllowLoopback, networks) is { } why)
            {
                refusal ??= why;
            }
            else
            {
                allowed.Add(address);
            }
        }

        if (allowed.Count == 0)
        {
            throw new HookAddressRefusedException($"The hook host {endpoint.Host} is refused by the address policy: {refusal ?? "it has no address"}.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. allowed], endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Hook} hook at {Host} could not be asked: {Reason}")]
    private static partial void LogHookFailed(ILogger logger, string hook, string host, string reason);
}

/// <summary>A hook host whose every address the <see cref="HookAddressPolicy"/> refuses.</summary>
public sealed class HookAddressRefusedException(string message) : IOException(message);

/// <summary>A hook's answer (status, body, headers), or why there was none (<see cref="Failure"/>).</summary>
public sealed record HookReply(int? Status, string Body, IReadOnlyDictionary<string, string> Headers, string? Failure)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public bool Answered => Status is not null;

    public bool IsSuccess => Status is >= 200 and <= 299;

    public static HookReply From(int status, string body, IReadOnlyDictionary<string, string> headers) => new(status, body, headers, null);

    public static HookReply Unavailable(string reason) => new(null, string.Empty, NoHeaders, reason);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Never the body: an OAuth answer carries API keys and tokens.</summary>
    public override string ToString() => Answered ? $"HookReply {{ Status = {Status} }}" : $"HookReply {{ Failure = {Failure} }}";
}
