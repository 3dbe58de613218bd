using System.Diagnostics;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>Waiting on a condition instead of sleeping: polls every 20 ms and fails the test, naming what it waited for, after the limit.</summary>
public static class Eventually
{
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? within = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, within);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = within ?? TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < limit, $"Timed out after {limit.TotalSeconds} s waiting until {what}.");
            await Task.Delay(20);
        }
    }
}
