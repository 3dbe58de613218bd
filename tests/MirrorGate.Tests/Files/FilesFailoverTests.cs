using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Files;

/// <summary>
/// An upload is bound to no account until it succeeds, so it fails over like a chat turn; once uploaded, the file binds
/// every turn that uses it to its account, with no failover and no way in for a caller bound elsewhere.
/// </summary>
public sealed class FilesFailoverTests
{
    public static TheoryData<SimFault> Faults => new()
    {
        new SimFault(SimFaultKind.RateLimited, ClearsInSeconds: 300),
        new SimFault(SimFaultKind.ServerError, StatusCode: 503),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_429_or_5xx_on_the_upload_moves_it_to_another_account_and_the_file_is_used_there(SimFault fault)
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings());
        await app.AddPooledAccountAsync("broken@example.com");
        await app.AddPooledAccountAsync("spare@example.com");
        app.Simulator.InjectFault("broken@example.com", fault);
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        for (var i = 0; i < 3; i++)
        {
            var id = await FilesGateway.UploadIdAsync(client, Encoding.UTF8.GetBytes($"failover {i}"), $"f{i}.txt");
            using var chat = await FilesGateway.ChatWithPartsAsync(client, "read", new JsonObject { ["type"] = "input_file", ["file_id"] = id });
            Assert.EndsWith($"[file: f{i}.txt, 10 bytes, text/plain]", await FilesGateway.ChatContentAsync(chat), StringComparison.Ordinal);
        }

        Assert.Equal(0, app.Simulator.CallCount("files/uploaded", "broken@example.com"));
        Assert.Equal(3, app.Simulator.CallCount("files/uploaded", "spare@example.com"));
        Assert.Equal(3, app.Simulator.CallCount("f/conversation", "spare@example.com"));
    }

    [Fact]
    public async Task A_401_on_the_upload_renews_the_token_and_the_upload_succeeds()
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings());
        await app.AddPooledAccountAsync("expired@example.com");
        app.Simulator.RevokeAccessTokens("expired@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);

        await FilesGateway.UploadIdAsync(client, Encoding.UTF8.GetBytes("after a 401"), "renewed.txt");

        Assert.Equal(2, app.Simulator.CallCount("files", "expired@example.com"));
        Assert.Equal(1, app.Simulator.CallCount("files/uploaded", "expired@example.com"));
    }

    [Fact]
    public async Task A_file_binds_the_turn_to_its_account_a_failing_holder_is_not_replaced_and_a_caller_bound_elsewhere_gets_404()
    {
        await using var app = await GatewayApp.StartAsync(FilesGateway.Settings());
        await app.AddPooledAccountAsync("holder@example.com");
        using var client = app.CreateClient(GatewayApp.ServiceKey);
        var id = await FilesGateway.UploadIdAsync(client, Encoding.UTF8.GetBytes("held"), "held.txt");
        await app.AddPooledAccountAsync("other@example.com");

        for (var i = 0; i < 3; i++)
        {
            using var chat = await FilesGateway.ChatWithPartsAsync(client, $"turn {i}", new JsonObject { ["type"] = "input_file", ["file_id"] = id });
            Assert.EndsWith("[file: held.txt, 4 bytes, text/plain]", await FilesGateway.ChatContentAsync(chat), StringComparison.Ordinal);
        }

        Assert.Equal(3, app.Simulator.CallCount("f/conversation", "holder@example.com"));
        Assert.Equal(0, app.Simulator.CallCount("f/conversation", "other@example.com"));

        app.Simulator.InjectFault("holder@example.com", new SimFault(SimFaultKind.ServerError, StatusCode: 503));
        using (var failed = await FilesGateway.ChatWithPartsAsync(client, "holder down", new JsonObject { ["type"] = "input_file", ["file_id"] = id }))
        {
            Assert.False(failed.IsSuccessStatusCode);
            Assert.NotNull((await failed.JsonAsync())["error"]!["message"]);
        }

        Assert.Equal(0, app.Simulator.CallCount("f/conversation", "other@example.com"));
        using (var plain = await client.ChatAsync("no file, any account"))
        {
            Assert.Equal(SimReplies.For("no file, any account", 1), await plain.ContentAsync());
        }

        var token = await app.MirrorTokenAsync("bound-user", "other@example.com");
        using var bound = app.CreateClient(token);
        using var refused = await FilesGateway.ChatWithPartsAsync(bound, "not mine", new JsonObject { ["type"] = "input_file", ["file_id"] = id });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("file_not_found", (await refused.JsonAsync())["error"]!["code"]!.GetValue<string>());
    }
}
