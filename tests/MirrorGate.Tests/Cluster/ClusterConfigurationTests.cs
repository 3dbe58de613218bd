using System.Net;
using System.Net.Sockets;
using MirrorGate.Silo.Cluster;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MirrorGate.Tests.Cluster;

/// <summary>How a node finds out it is part of a cluster, and how it refuses to start when it cannot be.</summary>
public sealed class ClusterConfigurationTests
{
    [Fact]
    public async Task The_MIRRORGATE_POSTGRES_variable_alone_switches_a_node_to_cluster_mode()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            [ClusterOptions.EnvironmentVariable] = database.Options.Postgres,
            ["Cluster:Schema"] = database.Schema,
        });
        await app.AddPooledAccountAsync("env-switch@example.com");

        Assert.True(app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.Enabled);
        await using var rows = database.Database.Command("SELECT count(*) FROM mg_grain_state WHERE grain_type = 'account'");
        Assert.True((long)(await rows.ExecuteScalarAsync())! >= 1);
    }

    [Fact]
    public async Task Without_a_connection_string_a_node_stays_embedded()
    {
        await using var app = await GatewayApp.StartAsync();

        Assert.False(app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.Enabled);
        Assert.Null(app.Services.GetService<PostgresDatabase>());
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        var cluster = await (await admin.GetAsync("/api/cluster")).JsonAsync();
        Assert.Equal("embedded", cluster["mode"]!.GetValue<string>());
        Assert.Single(cluster["nodes"]!.AsArray());
    }

    [Fact]
    public async Task An_unreachable_database_is_retried_then_the_node_refuses_to_start_naming_the_address()
    {
        var port = ClosedPort();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Cluster:Postgres"] = $"Host=127.0.0.1;Port={port};Username=mirrorgate;Database=mirrorgate;Timeout=2",
            ["Cluster:StartupTimeout"] = "00:00:02",
        }));

        var message = Flatten(error);
        Assert.Contains($"127.0.0.1:{port}/mirrorgate", message, StringComparison.Ordinal);
        Assert.Contains("did not answer within 2 s", message, StringComparison.Ordinal);
        Assert.Matches(@"\(([2-9]|\d\d+) attempts", message);
    }

    [Theory]
    [InlineData("Tenant")]
    [InlineData("a-b")]
    [InlineData("schema_name_far_too_long_for_a_notification_channel_x")]
    public async Task A_schema_name_postgresql_would_read_differently_is_refused_at_start(string schema)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Cluster:Postgres"] = PostgresTestDatabase.ConnectionString,
            ["Cluster:Schema"] = schema,
        }));

        Assert.Contains("Cluster:Schema must be", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_mode_without_a_shared_secrets_key_refuses_to_start()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var settings = new Dictionary<string, string?>(database.Settings) { ["Secrets:Key"] = string.Empty };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(settings));

        Assert.Contains("Cluster mode needs Secrets:Key", Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
