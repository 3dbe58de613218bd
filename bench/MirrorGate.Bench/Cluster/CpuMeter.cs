using System.Globalization;

namespace MirrorGate.Bench.Cluster;

/// <summary>
/// CPU time (user + system, from <c>/proc</c>) of each component of the setup: the bench process (load driver and
/// direct client), the simulator, the gateway nodes, nginx (master and workers) and PostgreSQL (postmaster, every
/// child, and the children it already reaped). A reading is a snapshot; the difference of two is what a run cost.
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<(string Component, Func<IEnumerable<int>> Pids, bool WithChildren)> components)
{
    /// <summary>USER_HZ: the unit of the times in <c>/proc/&lt;pid&gt;/stat</c>.</summary>
    private const double ClockTicksPerSecond = 100;

    public IReadOnlyList<string> Components { get; } = [.. components.Select(c => c.Component)];

    public Dictionary<string, double> ReadMs()
    {
        var table = ProcessTable();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (component, pids, withChildren) in components)
        {
            var ticks = 0L;
            foreach (var pid in pids())
            {
                if (!table.TryGetValue(pid, out var own))
                {
                    continue;
                }

                ticks += own.Ticks;
                if (withChildren)
                {
                    // Live children, plus what reaped children used (cutime + cstime of the parent).
                    ticks += own.ReapedChildTicks + table.Values.Where(p => p.ParentPid == pid).Sum(p => p.Ticks);
                }
            }

            result[component] = ticks * 1000 / ClockTicksPerSecond;
        }

        return result;
    }

    public static Dictionary<string, double> Difference(Dictionary<string, double> after, Dictionary<string, double> before) =>
        after.ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key), StringComparer.Ordinal);

    /// <summary>The parent of a process (for PostgreSQL: a backend's parent is the postmaster), or 0.</summary>
    public static int ParentOf(int pid) => Read(pid)?.ParentPid ?? 0;

    private static Dictionary<int, ProcStat> ProcessTable()
    {
        var table = new Dictionary<int, ProcStat>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } entry)
            {
                table[pid] = entry;
            }
        }

        return table;
    }

    private static ProcStat? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // After "(comm) ": state [0], ppid [1], ... utime [11], stime [12], cutime [13], cstime [14].
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
            return new ProcStat(int.Parse(fields[1], CultureInfo.InvariantCulture), Field(11) + Field(12), Field(13) + Field(14));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private sealed record ProcStat(int ParentPid, long Ticks, long ReapedChildTicks);
}
