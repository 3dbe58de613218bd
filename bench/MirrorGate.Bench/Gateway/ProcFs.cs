using System.Globalization;

namespace MirrorGate.Bench.Gateway;

/// <summary>Reads a process's memory and CPU figures from Linux's <c>/proc</c> (thread-safe, no cached state).</summary>
internal static class ProcFs
{
    /// <summary>USER_HZ: the unit of utime/stime in <c>/proc/&lt;pid&gt;/stat</c>; 100 on every Linux build .NET supports.</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>A field of <c>/proc/&lt;pid&gt;/status</c> given in kB (VmRSS, VmHWM…), in bytes; -1 when unreadable.</summary>
    public static long StatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal) && line.Length > field.Length && line[field.Length] == ':')
                {
                    var parts = line[(field.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process is gone.
        }

        return -1;
    }

    /// <summary>User + system CPU time of the process (10 ms resolution).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var (user, system) = CpuTimes(pid);
        return user + system;
    }

    /// <summary>User and system CPU time of the process (10 ms resolution).</summary>
    public static (TimeSpan User, TimeSpan System) CpuTimes(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after "(comm)": state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (TimeSpan.FromSeconds(long.Parse(fields[11], CultureInfo.InvariantCulture) / ClockTicksPerSecond),
                TimeSpan.FromSeconds(long.Parse(fields[12], CultureInfo.InvariantCulture) / ClockTicksPerSecond));
        }
        catch (IOException)
        {
            return (TimeSpan.Zero, TimeSpan.Zero);
        }
    }
}
