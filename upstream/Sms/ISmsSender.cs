namespace MirrorGate.Upstream.Sms;

/// <summary>Sends a login code by SMS. Returns false when the message could not be handed to the provider (never throws for that).</summary>
public interface ISmsSender
{
    Task<bool> SendCodeAsync(SmsMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// One login code for one phone. <see cref="ToString"/> hides the code: it is a secret everywhere except on the
/// development sender's log line.
/// </summary>
public sealed record SmsMessage(string Phone, string Code, TimeSpan Lifetime)
{
    public override string ToString() => $"SmsMessage {{ Phone = {SmsPhones.Mask(Phone)}, Code = ***, Lifetime = {Lifetime} }}";
}

public static class SmsPhones
{
    /// <summary>A number as logs show it: the last four digits only.</summary>
    public static string Mask(string phone) => phone.Length > 4 ? "…" + phone[^4..] : "…";
}
