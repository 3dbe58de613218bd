using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Tokens;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Http;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

namespace MirrorGate.Tests.Api;

/// <summary>Failures nobody planned for still answer in the family's shape.</summary>
public sealed class UnexpectedFailureTests
{
    [Fact]
    public async Task A_broken_store_gives_a_shaped_500_on_every_family()
    {
        await using var app = await GatewayApp.StartAsync(services: s => s.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, new FailingStorage()));

        // A token with a genuine tag, so that it gets as far as the token index, whose read fails.
        var token = app.Services.GetRequiredService<UserTokens>().Issue();
        using var openAi = await app.CreateClient(token).ChatAsync("x");
        using var backend = await app.CreateClient(token).PostAsJsonAsync("/backend-api/conversation", new { model = "auto" });
        using var admin = await app.CreateClient(GatewayApp.AdminPassword).PostAsJsonAsync("/api/logout", new { user_name = "someone" });

        Assert.Equal(HttpStatusCode.InternalServerError, openAi.StatusCode);
        Assert.Equal("internal_error", (await openAi.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.InternalServerError, backend.StatusCode);
        Assert.NotNull((await backend.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!["message"]);
        Assert.Equal(HttpStatusCode.InternalServerError, admin.StatusCode);
        Assert.Equal("The gateway failed to handle this request.", (await admin.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_turn_that_throws_before_the_first_byte_gives_back_its_slot_and_the_users_use()
    {
        var throwing = new ThrowOnceClient();
        await using var app = await GatewayApp.StartAsync(services: s => s.AddSingleton<IChatGptClient>(sp => throwing.Wrap(ActivatorUtilities.CreateInstance<ChatGptClient>(sp))));
        await app.AddPooledAccountAsync("throws@example.com");
        using var client = app.CreateClient(await app.MirrorTokenAsync("one-use", "throws@example.com", new[] { new { model_name = "auto", every_minute = 60, limit_count = 1 } }));
        throwing.Armed = true;

        using var failed = await client.ChatAsync("throws before the first byte");
        using var served = await client.ChatAsync("the use came back");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(0, app.Pool.InFlight(AccountIds.ForEmail("throws@example.com")));
    }

    /// <summary>The real upstream client, except that the first conversation start after arming throws.</summary>
    private sealed class ThrowOnceClient
    {
        public volatile bool Armed;

        public IChatGptClient Wrap(IChatGptClient inner) => new Client(this, inner);

        private sealed class Client(ThrowOnceClient owner, IChatGptClient inner) : IChatGptClient
        {
            public Task<UpstreamResult<RefreshedTokens>> RefreshAsync(string refreshToken, string? proxyUrl, CancellationToken cancellationToken) => inner.RefreshAsync(refreshToken, proxyUrl, cancellationToken);

            public Task<UpstreamResult<SessionExchange>> ExchangeSessionTokenAsync(string sessionToken, string? proxyUrl, CancellationToken cancellationToken) => inner.ExchangeSessionTokenAsync(sessionToken, proxyUrl, cancellationToken);

            public Task<UpstreamResult<AccountCheck>> CheckAccountAsync(UpstreamCredential credential, CancellationToken cancellationToken) => inner.CheckAccountAsync(credential, cancellationToken);

            public Task<UpstreamResult<IReadOnlyList<UpstreamModel>>> ListModelsAsync(UpstreamCredential credential, CancellationToken cancellationToken) => inner.ListModelsAsync(credential, cancellationToken);

            public Task<UpstreamResult<JsonObject>> GetConversationAsync(UpstreamCredential credential, string conversationId, CancellationToken cancellationToken) => inner.GetConversationAsync(credential, conversationId, cancellationToken);

            public Task<UpstreamResult<ConversationStream>> StartConversationAsync(UpstreamCredential credential, JsonObject body, CancellationToken cancellationToken)
            {
                if (owner.Armed)
                {
                    owner.Armed = false;
                    throw new InvalidOperationException("a failure nobody planned for");
                }

                return inner.StartConversationAsync(credential, body, cancellationToken);
            }
        }
    }

    /// <summary>Storage that fails in a way nobody planned for (not an unreachable database, which is a 503).</summary>
    private sealed class FailingStorage : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new InvalidOperationException("storage bug");

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new InvalidOperationException("storage bug");

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new InvalidOperationException("storage bug");
    }
}
