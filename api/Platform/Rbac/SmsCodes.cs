using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MirrorGate.GrainInterfaces.Rbac;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Rbac;
using MirrorGate.Grains.Secrets;
using MirrorGate.Upstream.Sms;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Platform.Rbac;

/// <summary>
/// Makes, sends and checks SMS login codes. A code is random from the system's cryptographic generator, stored only
/// as a keyed hash bound to its key, and sent through the configured <see cref="ISmsSender"/>; sendings are limited per
/// phone number and per client address (<see cref="RbacOptions"/>), each limit decided by one grain.
/// </summary>
public sealed partial class SmsCodes(
    IGrainFactory grains,
    SecretProtector protector,
    ISmsSender sender,
    IOptionsMonitor<RbacOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<SmsCodes> logger)
{
    public async Task<SmsSending> SendAsync(string phone, IPAddress? address, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var byAddress = await grains.GetGrain<ISmsQuotaGrain>("addr:" + (address?.ToString() ?? "unknown"))
            .TryTakeAsync([new SmsLimit(settings.AddressHourlyLimit, TimeSpan.FromHours(1))], now);
        if (!byAddress.Allowed)
        {
            LogLimited(logger, "address", SmsPhones.Mask(phone));
            return SmsSending.Limited(byAddress.RetryAfter);
        }

        var byPhone = await grains.GetGrain<ISmsQuotaGrain>("phone:" + phone)
            .TryTakeAsync([new SmsLimit(1, settings.PhoneInterval), new SmsLimit(settings.PhoneDailyLimit, TimeSpan.FromDays(1))], now);
        if (!byPhone.Allowed)
        {
            LogLimited(logger, "phone", SmsPhones.Mask(phone));
            return SmsSending.Limited(byPhone.RetryAfter);
        }

        var code = RandomNumberGenerator.GetInt32(0, (int)Math.Pow(10, settings.CodeLength)).ToString("D" + settings.CodeLength.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var key = PlatformIds.New();
        var grain = grains.GetGrain<ISmsCodeGrain>(key);
        if (!await grain.IssueAsync(new SmsCodeIssue(phone, CodeHash(key, code), now + settings.CodeLifetime, settings.MaxWrongAttempts)))
        {
            throw new InvalidOperationException("A fresh SMS code key was in use already.");
        }

        if (!await sender.SendCodeAsync(new SmsMessage(phone, code, settings.CodeLifetime), cancellationToken))
        {
            await grain.DiscardAsync();
            return SmsSending.Failed(key);
        }

        return SmsSending.Sent(key);
    }

    public Task<SmsCodeCheck> CheckAsync(string phone, string key, string code, bool spend) =>
        grains.GetGrain<ISmsCodeGrain>(key).CheckAsync(phone, CodeHash(key, code), spend, time.GetUtcNow());

    /// <summary>Bound to the key, so that the same six digits under two keys hash apart.</summary>
    private string CodeHash(string key, string code) => protector.LookupHash($"sms:{key}:{code}");

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS code refused for phone {Phone}: the per-{Limit} limit is reached")]
    private static partial void LogLimited(ILogger logger, string limit, string phone);
}

/// <summary>The outcome of <see cref="SmsCodes.SendAsync"/>.</summary>
public sealed record SmsSending(bool Ok, string? Key, TimeSpan RetryAfter)
{
    public static SmsSending Sent(string key) => new(true, key, TimeSpan.Zero);

    public static SmsSending Failed(string key) => new(false, key, TimeSpan.Zero);

    public static SmsSending Limited(TimeSpan retryAfter) => new(false, null, retryAfter);
}
