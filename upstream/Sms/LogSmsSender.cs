using Microsoft.Extensions.Logging;

namespace MirrorGate.Upstream.Sms;

/// <summary>
/// The development sender: sends nothing and writes the code to the log at Information, so a developer can log in
/// without a provider. The code is never in the HTTP answer. Chosen only when configured, or by default in the
/// Development environment and demo mode (see <see cref="SmsOptions.Sender"/>).
/// </summary>
public sealed partial class LogSmsSender(ILogger<LogSmsSender> logger) : ISmsSender
{
    public Task<bool> SendCodeAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        LogCode(logger, SmsPhones.Mask(message.Phone), message.Code);
        return Task.FromResult(true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS code for phone {Phone} is {SmsCode} (development sender: no SMS was sent)")]
    private static partial void LogCode(ILogger logger, string phone, string smsCode);
}

/// <summary>No sender configured: every sending fails, and says why in the log.</summary>
public sealed partial class NoSmsSender(ILogger<NoSmsSender> logger) : ISmsSender
{
    public Task<bool> SendCodeAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        LogNoSender(logger, SmsPhones.Mask(message.Phone));
        return Task.FromResult(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No SMS sender is configured (Sms:Sender); the code for phone {Phone} was not sent")]
    private static partial void LogNoSender(ILogger logger, string phone);
}
