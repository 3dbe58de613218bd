using System.Net;
using System.Security.Cryptography;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary>
/// A forged <c>mg-…</c> bearer is refused on its HMAC tag alone: no grain activation and no storage read (issue 7,
/// item 4, token grains), so guessing tokens cannot be turned into load on the database.
/// </summary>
public sealed class ForgedUserTokenTests
{
    private const string TokenStateName = "user-token";

    // Each forged bearer would otherwise activate a token grain and read a row: a cheap way to hammer the store.
    [Fact]
    public async Task Forged_and_tampered_mirror_tokens_are_401_without_reading_or_activating_any_token_grain()
    {
        CountingStorage? storage = null;
        await using var app = await GatewayApp.StartAsync(services: s => CountingStorage.Install(s, created => storage = created));
        await app.AddPooledAccountAsync("forged@example.com");
        var genuine = await app.MirrorTokenAsync("forged-target", "forged@example.com");
        var forgeries = new[]
        {
            "mg-" + RandomChars(48),
            "mg-not-even-the-right-length",
            "mg-" + RandomChars(43 + 22),
            Tampered(genuine),
        };
        Assert.Equal(genuine.Length, forgeries[2].Length);
        Assert.Equal(genuine.Length, forgeries[3].Length);
        var tokenReads = storage!.Reads(TokenStateName);
        var allReads = storage.TotalReads;
        var tokenActivations = await TokenGrainActivationsAsync(app);
        Assert.True(tokenReads >= 1, "issuing the genuine token should have read its index entry once");

        foreach (var forged in forgeries)
        {
            using var refused = await app.CreateClient(forged).ChatAsync("let me in");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var error = (await refused.JsonAsync())["error"]!;
            Assert.Equal("invalid_api_key", error["code"]!.GetValue<string>());
            Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        }

        Assert.Equal(tokenReads, storage.Reads(TokenStateName));
        Assert.Equal(allReads, storage.TotalReads);
        Assert.Equal(tokenActivations, await TokenGrainActivationsAsync(app));
        Assert.Equal(0, app.Simulator.CallCount("f/conversation"));

        using var served = await app.CreateClient(genuine).ChatAsync("the real one");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount("f/conversation"));
    }

    /// <summary>The genuine token with the first character of its 22-character tag changed.</summary>
    private static string Tampered(string token)
    {
        var chars = token.ToCharArray();
        var tagStart = chars.Length - 22;
        chars[tagStart] = chars[tagStart] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    /// <summary><paramref name="count"/> random base64url characters, the alphabet of a real token.</summary>
    private static string RandomChars(int count) => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(count))[..count];

    private static async Task<int> TokenGrainActivationsAsync(GatewayApp app)
    {
        var stats = await app.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return stats.Count(s => s.GrainId.Type.ToString() == TokenStateName);
    }
}
