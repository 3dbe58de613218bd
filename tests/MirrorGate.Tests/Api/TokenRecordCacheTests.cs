using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MirrorGate.Tests.Api;

/// <summary>
/// A node resolves a mirror token or an activation code from its own copy of the token record, asks the token's
/// grain again once the copy's lifetime is over, and stops accepting the old record as soon as it changes.
/// </summary>
public sealed class TokenRecordCacheTests
{
    private const string AdminApiSecret = "token-cache-adminapi-secret";

    [Fact]
    public async Task A_code_asks_its_grain_once_per_lifetime_and_a_new_plan_or_a_revocation_applies_to_the_very_next_request()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var calls = new GrainMethodCounter();
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["SaasAdmin:Secret"] = AdminApiSecret }, time: time,
            services: s => s.AddSingleton<IIncomingGrainCallFilter>(calls));
        await app.AddPooledAccountAsync("token-cache@example.com", plan: "pro");
        int Lookups() => calls.Count<ITokenGrain>(nameof(ITokenGrain.ResolveAsync));

        // A generated code (mg-…, the mirror-token path) and an operator's own code (the activation-code path).
        var generated = await CreateCodeAsync(app, new { plan = "plus" });
        var own = await CreateCodeAsync(app, new { code = "TOKEN-CACHE-OWN-CODE-1", plan = "plus" });
        foreach (var code in new[] { generated, own })
        {
            using var client = app.CreateClient(code);
            var before = Lookups();
            for (var i = 0; i < 4; i++)
            {
                using var ok = await client.ChatAsync($"cached {i}");
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }

            Assert.Equal(before + 1, Lookups());

            // Past the copy's lifetime (60 s by default) the grain is asked again.
            time.Advance(TimeSpan.FromSeconds(61));
            using (var again = await client.ChatAsync("after the lifetime"))
            {
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            }

            Assert.Equal(before + 2, Lookups());

            // New terms: the copy is dropped, and the next request is judged on them.
            using (var update = await AdminApiAsync(app, "/adminapi/updateActivationCode", new { code, plan = "free" }))
            {
                Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            }

            using (var plus = await client.ChatAsync("a plus model", model: "gpt-4o"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, plus.StatusCode);
            }

            using (var revoke = await AdminApiAsync(app, "/adminapi/revokeActivationCode", new { code }))
            {
                Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            }

            using var revoked = await client.ChatAsync("after the revocation");
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        // "Not found" is never kept: each guess costs its lookup.
        using var stranger = app.CreateClient("TOKEN-CACHE-NOT-A-CODE");
        var asked = Lookups();
        for (var i = 0; i < 2; i++)
        {
            using var refused = await stranger.ChatAsync("guessing");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(asked + 2, Lookups());
    }

    [Fact]
    public void A_full_cache_starts_over_and_an_answer_overtaken_by_a_pushed_change_is_not_kept()
    {
        var time = new ManualTimeProvider();
        var cache = new TokenRecordCache(new FixedOptions(new TokenCacheOptions { MaxEntries = 2 }), time);
        var record = new TokenRecord("cache-user", null, UserTokenKind.ActivationCode, time.GetUtcNow());

        cache.Remember("a", record, cache.Generation);
        cache.Remember("b", record, cache.Generation);
        Assert.True(cache.TryGet("a", out _));
        cache.Remember("c", record, cache.Generation);
        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("c", out var kept));
        Assert.Same(record, kept);
        Assert.Equal(1, cache.Count);

        // The grain answered before a change to that record was pushed; the answer arrives after the push.
        var generation = cache.Generation;
        cache.Invalidate("d");
        cache.Remember("d", record, generation);
        Assert.False(cache.TryGet("d", out _));

        cache.Invalidate("c");
        Assert.False(cache.TryGet("c", out _));
        cache.Remember("e", record, cache.Generation);
        cache.Clear();
        Assert.False(cache.TryGet("e", out _));
    }

    private static async Task<string> CreateCodeAsync(GatewayApp app, object body)
    {
        using var response = await AdminApiAsync(app, "/adminapi/createActivationCode", body);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode && json["code"]!.GetValue<int>() == 1, json.ToJsonString());
        return json["data"]!["activation_code"]!.GetValue<string>();
    }

    private static async Task<HttpResponseMessage> AdminApiAsync(GatewayApp app, string route, object body)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("adminapi", AdminApiSecret);
        return await client.PostAsJsonAsync(route, body);
    }

    private sealed class FixedOptions(TokenCacheOptions value) : IOptionsMonitor<TokenCacheOptions>
    {
        public TokenCacheOptions CurrentValue => value;

        public TokenCacheOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<TokenCacheOptions, string?> listener) => null;
    }
}
