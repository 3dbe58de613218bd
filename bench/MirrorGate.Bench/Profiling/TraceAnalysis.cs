using System.Globalization;
using System.Text;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using MirrorGate.Bench.Load;

namespace MirrorGate.Bench.Profiling;

/// <summary>Exploratory version.</summary>
internal sealed class TraceAnalysis
{
    private readonly Dictionary<string, int> _leaf = [];
    private readonly Dictionary<string, int> _inclusive = [];
    private readonly Dictionary<int, int> _types = [];
    private readonly Dictionary<string, long> _allocByType = [];
    private int _samples;
    private long _allocated;
    private readonly List<string> _examples = [];

    public static TraceAnalysis Analyse(string nettrace, int processId, int requests)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(nettrace);
        try
        {
            using var log = new TraceLog(etlx);
            var analysis = new TraceAnalysis();
            foreach (var e in log.Events)
            {
                analysis.Observe(e);
            }

            return analysis;
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    private void Observe(TraceEvent e)
    {
        if (e.ProviderName == "Microsoft-DotNETCore-SampleProfiler")
        {
            var data = e.EventData();
            var type = data.Length >= 4 ? BitConverter.ToInt32(data, 0) : -1;
            _types[type] = _types.GetValueOrDefault(type) + 1;
            _samples++;
            var stack = e.CallStack();
            var frames = new List<string>();
            for (var f = stack; f is not null; f = f.Caller)
            {
                var name = f.CodeAddress.FullMethodName;
                frames.Add(string.IsNullOrEmpty(name) ? "?" + f.CodeAddress.ModuleName : name);
            }

            if (frames.Count > 0)
            {
                var key = type + " " + frames[0];
                _leaf[key] = _leaf.GetValueOrDefault(key) + 1;
                foreach (var frame in frames.Distinct())
                {
                    _inclusive[frame] = _inclusive.GetValueOrDefault(frame) + 1;
                }

                var ex = string.Join(" <- ", frames.Take(14));
                if ((frames[0].Contains("Sleep", StringComparison.Ordinal) || frames[0].StartsWith('?')) && _examples.Count < 400)
                {
                    _examples.Add(type + " " + ex);
                }
            }
        }
        else if (e is GCAllocationTickTraceData tick)
        {
            _allocated += tick.AllocationAmount64;
            _allocByType[tick.TypeName] = _allocByType.GetValueOrDefault(tick.TypeName) + tick.AllocationAmount64;
        }
    }

    public string ToMarkdown(Scenario scenario, int concurrency, LoadOutcome outcome, TimeSpan cpu, long traceBytes)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"samples {_samples}, types {string.Join(", ", _types.Select(t => $"{t.Key}:{t.Value}"))}, allocated {_allocated / 1e6:F1} MB over {outcome.Completed} req, trace {traceBytes / 1e6:F1} MB, cpu {cpu.TotalMilliseconds} ms");
        sb.AppendLine("LEAF");
        foreach (var (k, v) in _leaf.OrderByDescending(x => x.Value).Take(40))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{v,7} {k}");
        }

        sb.AppendLine("INCLUSIVE");
        foreach (var (k, v) in _inclusive.OrderByDescending(x => x.Value).Take(80))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{v,7} {k}");
        }

        sb.AppendLine("ALLOC");
        foreach (var (k, v) in _allocByType.OrderByDescending(x => x.Value).Take(30))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{v / 1e6,9:F2} MB {k}");
        }

        sb.AppendLine("EXAMPLES");
        foreach (var x in _examples.GroupBy(x => x).OrderByDescending(g => g.Count()).Take(12))
        {
            sb.AppendLine(x.Count() + " " + x.Key);
        }

        return sb.ToString();
    }
}
