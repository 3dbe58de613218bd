using System.Globalization;

namespace MirrorGate.Grains.Users;

/// <summary>Requests per user and local calendar day, kept as shared counters for two days.</summary>
internal static class UserUseCounters
{
    public static TimeSpan Retention { get; } = TimeSpan.FromHours(49);

    public static string DayKey(string userName, TimeProvider time) =>
        $"user-use:{userName}|{time.GetLocalNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";
}
