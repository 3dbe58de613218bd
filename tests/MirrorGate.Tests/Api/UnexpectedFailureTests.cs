using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Silo.Storage;
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
