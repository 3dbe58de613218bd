namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// The test Redis server (membership store of the cluster tests). <c>deploy/test.sh</c> starts one and sets
/// <c>MIRRORGATE_TEST_REDIS</c>. Tests keep apart by cluster id, which names their membership key.
/// </summary>
public static class RedisTestServer
{
    public const string EnvironmentVariable = "MIRRORGATE_TEST_REDIS";

    public static string ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value
        : throw new InvalidOperationException($"The cluster tests need a Redis server: run them with `bash deploy/test.sh`, which starts one, or set {EnvironmentVariable} (e.g. 127.0.0.1:6379).");

    /// <summary>A cluster id no other test uses.</summary>
    public static string NewClusterId() => "t-" + Guid.NewGuid().ToString("N")[..12];
}
