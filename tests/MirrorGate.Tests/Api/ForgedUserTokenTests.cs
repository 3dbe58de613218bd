using System.Net;
using System.Security.Cryptography;
using MirrorGate.Api.Auth;
using MirrorGate.Grains.Secrets;
using MirrorGate.Grains.Tokens;
using Microsoft.Extensions.DependencyInjection;
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

    // The node remembers the index key of a bearer it has checked (BearerKeys): a tampered copy of a token it has
    // just served must still be judged on its own tag, not pass as the remembered one.
    [Fact]
    public async Task A_tampered_copy_of_a_token_the_node_has_just_served_is_refused_without_a_read()
    {
        CountingStorage? storage = null;
        await using var app = await GatewayApp.StartAsync(services: s => CountingStorage.Install(s, created => storage = created));
        await app.AddPooledAccountAsync("remembered@example.com");
        var genuine = await app.MirrorTokenAsync("remembered-target", "remembered@example.com");
        using (var served = await app.CreateClient(genuine).ChatAsync("first"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        var keys = app.Services.GetRequiredService<BearerKeys>();
        Assert.True(keys.TryGet(genuine, out _));
        var allReads = storage!.TotalReads;
        foreach (var forged in new[] { Tampered(genuine), genuine[..^1], genuine + "A" })
        {
            using var refused = await app.CreateClient(forged).ChatAsync("let me in");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.False(keys.TryGet(forged, out _));
        }

        Assert.Equal(allReads, storage.TotalReads);
        using var again = await app.CreateClient(genuine).ChatAsync("second");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    // Bounded: a flood of distinct values (guessed activation codes are remembered too) starts the memo over rather
    // than growing it.
    [Fact]
    public void The_bearer_memo_starts_over_when_full_and_still_answers_the_same_keys()
    {
        var tokens = new UserTokens(new SecretProtector(RandomNumberGenerator.GetBytes(32)));
        var keys = new BearerKeys(tokens);
        var first = keys.IndexKey("code-0");
        Assert.Equal(tokens.IndexKey("code-0"), first);
        for (var i = 1; i < BearerKeys.Capacity + 10; i++)
        {
            keys.IndexKey("code-" + i);
        }

        Assert.InRange(keys.Count, 1, BearerKeys.Capacity);
        Assert.False(keys.TryGet("code-0", out _));
        Assert.Equal(first, keys.IndexKey("code-0"));
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
