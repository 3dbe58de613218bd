namespace MirrorGate.Api.Platform.Rbac;

/// <summary>
/// The phone number a client sent, as the index keys it: spaces and dashes dropped, an optional leading <c>+</c>, then
/// 5 to 20 digits. The original only checks the number is present; a bound here keeps junk out of the index and the
/// SMS provider (gateway-defined).
/// </summary>
public static class PhoneNumbers
{
    public static string? Normalize(string text)
    {
        var compact = text.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        var digits = compact.StartsWith('+') ? compact[1..] : compact;
        return digits.Length is >= 5 and <= 20 && digits.All(char.IsAsciiDigit) ? compact : null;
    }
}
