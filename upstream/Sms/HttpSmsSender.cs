using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MirrorGate.Upstream.Sms;

/// <summary>
/// Sends codes through an SMS provider's HTTP API, in a simple documented shape (docs/platform.md): a JSON POST of
/// <c>{"phone","code","message"}</c> to <see cref="SmsOptions.Url"/> with <c>Authorization: Bearer</c> the key. Any
/// 2xx answer is a sent message. Real providers (Aliyun, Tencent Cloud…) each sign requests their own way; a small
/// relay in front of one speaks this shape. This is the gateway's own contract, not any provider's.
/// </summary>
public sealed partial class HttpSmsSender(HttpClient http, IOptionsMonitor<SmsOptions> options, ILogger<HttpSmsSender> logger) : ISmsSender
{
    public async Task<bool> SendCodeAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = JsonContent.Create(new SmsRequest(message.Phone, message.Code, settings.Render(message))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            LogRefused(logger, SmsPhones.Mask(message.Phone), (int)response.StatusCode);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, SmsPhones.Mask(message.Phone), ex.Message);
            return false;
        }
    }

    private sealed record SmsRequest(string phone, string code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMS provider refused the code for phone {Phone}: HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, string phone, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SMS provider could not be reached for phone {Phone}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string phone, string reason);
}
