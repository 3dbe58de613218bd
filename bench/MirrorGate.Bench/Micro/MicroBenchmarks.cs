using System.Globalization;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MirrorGate.Bench.Micro;

/// <summary>
/// Runs the BenchmarkDotNet micro-benchmarks in this process (short job, memory diagnoser) and renders one markdown
/// table. In-process, because a generated benchmark project would inherit the repository's analyzers.
/// </summary>
internal static class MicroBenchmarks
{
    public static string Run(string commit)
    {
        var artifacts = Directory.CreateTempSubdirectory("mirrorgate-bench-bdn-");
        try
        {
            var config = ManualConfig.CreateEmpty()
                .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
                .AddDiagnoser(MemoryDiagnoser.Default)
                .AddColumnProvider(DefaultColumnProviders.Instance)
                .AddLogger(ConsoleLogger.Default)
                .WithArtifactsPath(artifacts.FullName)
                .WithOptions(ConfigOptions.DisableLogFile);
            var summaries = BenchmarkRunner.Run([typeof(GatewayPathBenchmarks), typeof(RecordingBenchmarks)], config);
            return Render(summaries, commit);
        }
        finally
        {
            artifacts.Delete(recursive: true);
        }
    }

    private static string Render(IEnumerable<Summary> summaries, string commit)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("## Micro-benchmarks of the gateway's own per-turn work (BenchmarkDotNet, ShortRun, in-process)");
        md.AppendLine();
        md.AppendLine(inv, $"- {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit `{commit}`, {Environment.ProcessorCount} cores, .NET {Environment.Version}; `dotnet run -c Release --project bench/MirrorGate.Bench -- --micro`");
        md.AppendLine();
        md.AppendLine("| benchmark | mean µs | error µs | allocated B/op |");
        md.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            var stats = report.ResultStatistics;
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            md.AppendLine(inv, $"| {report.BenchmarkCase.Descriptor.Type.Name}.{report.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {stats?.Mean / 1000.0:F2} | {stats?.StandardError * 1.96 / 1000.0:F2} | {allocated:N0} |");
        }

        return md.ToString();
    }
}
