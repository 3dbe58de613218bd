using System.Text.Json;
using MirrorGate.Upstream.ChatGpt.Sentinel;

namespace MirrorGate.Tests.Upstream;

public sealed class ProofOfWorkTests
{
    private const string DeviceId = "6f1c2b9e-5a4d-4c3b-9e8f-7a6b5c4d3e2f";
    private const string UserAgent = "Mozilla/5.0 Test";

    [Theory]
    [InlineData(true, true, "0fff")]
    [InlineData(true, false, "00ff")]
    [InlineData(false, false, "0fff")]
    [InlineData(false, true, "00ff")]
    public void Solved_tokens_verify_independently(bool fnv, bool newest, string difficulty)
    {
        var hash = fnv ? ProofOfWorkHash.Fnv1a : ProofOfWorkHash.Sha3512;
        var config = Config(newest);
        var solution = ProofOfWork.Solve(config, "0.8122469", difficulty, hash, newest, 500_000, TimeProvider.System);

        Assert.True(solution.Solved);
        Assert.Equal(newest, solution.Token.EndsWith("~S", StringComparison.Ordinal));
        Assert.True(ProofOfWorkVerifier.IsValid(solution.Token, "0.8122469", difficulty, fnv));
        using var array = JsonDocument.Parse(ProofOfWorkVerifier.DecodeConfig(solution.Token, "gAAAAAB"));
        Assert.Equal(solution.Iterations - 1, array.RootElement[3].GetInt64());
    }

    [Fact]
    public void A_solution_for_one_hash_is_not_a_solution_for_the_other_in_general()
    {
        // Guards against a solver that ignores the hash it was asked for: over a few seeds, FNV answers fail SHA3.
        var failures = 0;
        for (var i = 0; i < 8; i++)
        {
            var seed = "seed-" + i;
            var solution = ProofOfWork.Solve(Config(true), seed, "00f", ProofOfWorkHash.Fnv1a, true, 500_000, TimeProvider.System);
            failures += ProofOfWorkVerifier.IsValid(solution.Token, seed, "00f", fnv: false) ? 0 : 1;
        }

        Assert.True(failures > 0);
    }

    [Fact]
    public void Newest_config_has_25_elements_with_the_device_id_at_14()
    {
        var token = ProofOfWork.RequirementsToken(Config(newest: true), newest: true);

        Assert.StartsWith("gAAAAAC", token);
        Assert.EndsWith("~S", token);
        using var array = JsonDocument.Parse(ProofOfWorkVerifier.DecodeConfig(token, "gAAAAAC"));
        var root = array.RootElement;
        Assert.Equal(25, root.GetArrayLength());
        Assert.Equal(DeviceId, root[14].GetString());
        Assert.Equal(1, root[3].GetInt32());
        Assert.Equal(UserAgent, root[4].GetString());
        Assert.InRange(root[9].GetDouble(), 0, 1);
        Assert.Contains("GMT+0000", root[1].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_config_has_18_elements_and_no_suffix()
    {
        var token = ProofOfWork.RequirementsToken(Config(newest: false), newest: false);

        Assert.False(token.EndsWith("~S", StringComparison.Ordinal));
        using var array = JsonDocument.Parse(ProofOfWorkVerifier.DecodeConfig(token, "gAAAAAC"));
        Assert.Equal(18, array.RootElement.GetArrayLength());
        Assert.Equal(DeviceId, array.RootElement[14].GetString());
    }

    [Theory]
    [InlineData(true, "gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4DImUi~S")]
    [InlineData(false, "gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4DIjAuNDIi")]
    public void Unsolvable_work_gives_the_fallback_token(bool newest, string expected)
    {
        var solution = ProofOfWork.Solve(Config(newest), "0.42", "00000000", ProofOfWorkHash.Fnv1a, newest, 16, TimeProvider.System);

        Assert.False(solution.Solved);
        Assert.Equal(16, solution.Iterations);
        Assert.Equal(expected, solution.Token);
    }

    [Fact]
    public void JavaScript_date_has_the_browser_shape() =>
        Assert.Equal(
            "Tue Dec 30 2025 17:12:41 GMT+0000 (Coordinated Universal Time)",
            ProofOfWorkConfig.JavaScriptDate(new DateTimeOffset(2025, 12, 30, 17, 12, 41, TimeSpan.Zero)));

    private static ProofOfWorkConfig Config(bool newest) => ProofOfWorkConfig.Create(new ProofOfWorkConfigInput(
        UserAgent, DeviceId, "https://chatgpt.com/backend-api/sentinel/sdk.js", "prod-test", DateTimeOffset.UtcNow, newest));
}
