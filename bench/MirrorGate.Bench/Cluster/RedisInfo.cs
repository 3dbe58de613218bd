using StackExchange.Redis;

namespace MirrorGate.Bench.Cluster;

/// <summary>The cluster's Redis as the report names it: its version, and its process for the CPU meter (<c>INFO server</c>).</summary>
internal sealed record RedisInfo(string Version, int ProcessId)
{
    public static async Task<RedisInfo> ReadAsync(string configuration, CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        options.AllowAdmin = true; // INFO is an admin command for StackExchange.Redis
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var info = (await server.InfoAsync("server").WaitAsync(cancellationToken)).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return new RedisInfo(
            info.GetValueOrDefault("redis_version") ?? "?",
            int.TryParse(info.GetValueOrDefault("process_id"), System.Globalization.CultureInfo.InvariantCulture, out var pid) && File.Exists($"/proc/{pid}/stat") ? pid : 0);
    }
}
