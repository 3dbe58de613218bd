using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Silo.Counters;
using MirrorGate.Silo.Storage;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Http;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MirrorGate.Tests.Api;

/// <summary>Failures nobody planned for still answer in the family's shape.</summary>
public sealed class UnexpectedFailureTests
{
    [Fact]
    public async Task A_broken_store_gives_a_shaped_500_on_every_family()
    {
        await using var app = await GatewayApp.StartAsync(services: s => s.AddSingleton<IGrainStorage>(new FailingStorage()));

        using var openAi = await app.CreateClient("mg-any-user-token").ChatAsync("x");
        using var backend = await app.CreateClient("mg-any-user-token").PostAsJsonAsync("/backend-api/conversation", new { model = "auto" });
        using var admin = await app.CreateClient(GatewayApp.AdminPassword).PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "someone" } });

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
        Assert.Equal(0, await app.Services.GetRequiredService<ICounterStore>().GetAsync("inflight:" + AccountIds.ForEmail("throws@example.com")));
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

    /// <summary>Storage whose every read fails, as a database gone away would.</summary>
    private sealed class FailingStorage : IGrainStorage
    {
        public Task<StoredState?> ReadAsync(GrainStateId id, CancellationToken cancellationToken) =>
            id.GrainType == "account-registry" ? Task.FromResult<StoredState?>(null) : throw new IOException("disk gone");

        public Task<StorageWriteResult> WriteAsync(GrainStateId id, ReadOnlyMemory<byte> payload, long? expectedVersion, CancellationToken cancellationToken) =>
            throw new IOException("disk gone");

        public Task<StorageWriteResult> ClearAsync(GrainStateId id, long expectedVersion, CancellationToken cancellationToken) =>
            throw new IOException("disk gone");
    }
}
