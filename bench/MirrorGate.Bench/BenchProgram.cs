namespace MirrorGate.Bench;

/// <summary>
/// Benchmark entry point: the gateway's added latency against the same upstream client calling the simulator
/// directly. Not a test; run by hand (see bench/README.md) and read the report it writes.
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (HelpRequestedException)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + BenchOptions.Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource(options.Deadline);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        try
        {
            var report = options.Micro ? Micro.MicroBenchmarks.Run(options.Commit ?? Report.MarkdownReport.GitCommit())
                : options.Cluster ? await new Cluster.ClusterBench(options).RunAsync(stop.Token)
                : await new BenchRun(options).RunAsync(stop.Token);
            Console.WriteLine(report);
            var output = Path.GetFullPath(options.Output);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await File.WriteAllTextAsync(output, report, CancellationToken.None);
            await Console.Error.WriteLineAsync($"Report written to {output}");
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"Stopped: the run passed its deadline ({options.Deadline}) or was interrupted.");
            return 3;
        }
    }
}
