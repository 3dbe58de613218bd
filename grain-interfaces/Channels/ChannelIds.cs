namespace MirrorGate.GrainInterfaces.Channels;

/// <summary>
/// How channel grains are keyed. A channel key's grain id starts with <c>ch:</c>, which no account id does (accounts
/// are e-mails or <c>rt:</c>/<c>st:</c>/<c>acct:</c> hashes), so the two share the pool's in-flight counts and load
/// reports without colliding.
/// </summary>
public static class ChannelIds
{
    public const string Prefix = "ch:";

    /// <summary>The grain id of the <paramref name="index"/>-th key (from 0) of channel <paramref name="channelId"/>.</summary>
    public static string ForKey(string channelId, int index) => $"{Prefix}{channelId}:{index}";

    public static bool IsChannelKey(string id) => id.StartsWith(Prefix, StringComparison.Ordinal);
}
