using System.Globalization;

namespace MirrorGate.Grains.Accounts;

/// <summary>
/// Requests per account, model and clock hour, kept as shared counters (exact across nodes) for a
/// day. Hours follow the server's local time zone, as chatgpt-gateway's admin reads them.
/// </summary>
internal static class UseCounters
{
    private const string HourFormat = "yyyyMMddHH";

    public static TimeSpan Retention { get; } = TimeSpan.FromHours(25);

    public static string Prefix(string accountId) => $"use:{accountId}|";

    public static string Key(string accountId, string model, DateTime hour) =>
        Prefix(accountId) + hour.ToString(HourFormat, CultureInfo.InvariantCulture) + "|" + model;

    public static DateTime HourOf(TimeProvider time)
    {
        var local = time.GetLocalNow().DateTime;
        return new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified);
    }

    /// <summary>Counts per model for the last <paramref name="hours"/> hours; index 0 is the current hour.</summary>
    public static IReadOnlyDictionary<string, long[]> ByModel(IReadOnlyDictionary<string, long> counters, DateTime currentHour, int hours)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (key, count) in counters)
        {
            var parts = key.Split('|');
            if (parts.Length != 3 || !DateTime.TryParseExact(parts[1], HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var hour))
            {
                continue;
            }

            var index = (int)(currentHour - hour).TotalHours;
            if (index >= 0 && index < hours)
            {
                var buckets = result.TryGetValue(parts[2], out var existing) ? existing : result[parts[2]] = new long[hours];
                buckets[index] += count;
            }
        }

        return result;
    }
}
