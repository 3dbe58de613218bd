using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.Grains.Hosting;
using MirrorGate.UpstreamSim;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// One gateway (the real <c>Program</c>, in memory through WebApplicationFactory, with its own embedded Orleans silo
/// on a free loopback port) in front of its own upstream simulator, with its own data folder. Each test starts its
/// own, so pools, limits and call counts never leak between tests.
/// </summary>
public sealed class GatewayApp : IAsyncDisposable
{
    public const string ServiceKey = "test-service-key";
    public const string AdminPassword = "test-admin-password";

    private readonly TempDirectory _data;
    private readonly bool _ownsData;
    private readonly WebApplicationFactory<Program> _factory;
    private readonly bool _ownsSimulator;
    private Uri? _kestrelAddress;

    private GatewayApp(UpstreamSimulator simulator, bool ownsSimulator, TempDirectory data, bool ownsData, WebApplicationFactory<Program> factory)
    {
        Simulator = simulator;
        _ownsSimulator = ownsSimulator;
        _data = data;
        _ownsData = ownsData;
        _factory = factory;
    }

    public UpstreamSimulator Simulator { get; }

    /// <summary>The node's data folder (<c>Silo:DataDirectory</c>): the SQLite file and the secrets key.</summary>
    public string DataDirectory => _data.Path;

    /// <summary>Where the gateway answers: a real loopback socket when started with <c>kestrel: true</c>, else the in-memory test server.</summary>
    public Uri BaseAddress => _kestrelAddress ?? _factory.Server.BaseAddress;

    public IServiceProvider Services => _factory.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public AccountPool Pool => Services.GetRequiredService<AccountPool>();

    /// <param name="settings">Configuration overrides, e.g. <c>["ChatGpt:Flow"] = "Legacy"</c> or the seeds' env names.</param>
    /// <param name="time">The gateway's own clock (<see cref="GatewayClock"/>; Orleans keeps real time, and so does the simulator unless given this one too).</param>
    /// <param name="services">Replaces gateway services after the app registered its own, e.g. a failing store.</param>
    /// <param name="sharedSimulator">A simulator other gateways use too (cluster tests); this gateway will not stop it.</param>
    /// <param name="kestrel">Serve on a real loopback socket (Kestrel) instead of the in-memory test server, for tests that need
    /// the real HTTP/1.1 parser (chunked bodies, raw bytes); <see cref="BaseAddress"/> says where.</param>
    /// <param name="dataDirectory">A data folder to use instead of a fresh one, e.g. one a stopped gateway used, to restart a
    /// node on its own state; the caller owns and deletes it. The secrets key is the same fixed test key on every start.</param>
    public static async Task<GatewayApp> StartAsync(IDictionary<string, string?>? settings = null, SimulatorOptions? simulatorOptions = null, TimeProvider? time = null, Action<IServiceCollection>? services = null, UpstreamSimulator? sharedSimulator = null, bool kestrel = false, TempDirectory? dataDirectory = null)
    {
        var simulator = sharedSimulator ?? await UpstreamSimulator.StartAsync(simulatorOptions);
        var data = dataDirectory ?? new TempDirectory();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(settings, time, services, simulator, sharedSimulator is null, data, dataDirectory is null, kestrel);
            }
            catch (Exception ex) when (attempt < 3 && settings?.ContainsKey("Cluster:SiloPort") != true && IsPortTaken(ex))
            {
                // The free silo port was taken by another test's listener between FreePorts.Next() and the silo's bind:
                // start again on another one (same data folder, so this is just a restart).
            }
            catch
            {
                if (sharedSimulator is null)
                {
                    await simulator.DisposeAsync();
                }

                if (dataDirectory is null)
                {
                    data.Dispose();
                }

                throw;
            }
        }
    }

    private static async Task<GatewayApp> StartOnceAsync(IDictionary<string, string?>? settings, TimeProvider? time, Action<IServiceCollection>? services, UpstreamSimulator simulator, bool ownsSimulator, TempDirectory data, bool ownsData, bool kestrel)
    {
        var all = new Dictionary<string, string?>
        {
            ["Silo:DataDirectory"] = data.Path,
            ["Cluster:SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Secrets:Key"] = Convert.ToBase64String(new byte[32]),
            ["ChatGpt:BackendBaseUrl"] = simulator.BaseUrl.ToString(),
            ["ChatGpt:AuthBaseUrl"] = simulator.BaseUrl.ToString(),
            ["Gateway:ServiceKey"] = ServiceKey,
            ["Gateway:AdminPassword"] = AdminPassword,

            // Token files are read from the working directory by default, which tests share: a test gateway reads
            // none unless its test turns them on with a folder of its own.
            ["TokenFiles:Enabled"] = "false",
            ["Serilog:MinimumLevel"] = Environment.GetEnvironmentVariable("MIRRORGATE_TEST_LOGS") is null ? "Fatal" : "Debug",
        };
        if (Environment.GetEnvironmentVariable("MIRRORGATE_TEST_LOGS") is not null)
        {
            all["Serilog:WriteTo:0:Name"] = "Console";
        }

        if (kestrel)
        {
            all["Urls"] = "http://127.0.0.1:0";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in all)
            {
                host.UseSetting(key, value);
            }

            host.ConfigureTestServices(collection =>
            {
                if (time is not null)
                {
                    collection.AddKeyedSingleton(GatewayClock.Key, time);
                }

                services?.Invoke(collection);
            });
        });
        var app = new GatewayApp(simulator, ownsSimulator, data, ownsData, factory);
        try
        {
            if (kestrel)
            {
                factory.UseKestrel();
                factory.StartServer();
                var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                app._kestrelAddress = new Uri(address);
            }

            using var warmUp = app.CreateClient();
            (await warmUp.GetAsync("/ping")).EnsureSuccessStatusCode();
            return app;
        }
        catch
        {
            // A gateway that refuses to start (a test of exactly that, often) leaves nothing running behind;
            // the start failure is what the caller must see, not one from tearing down a half-built host.
            try
            {
                await factory.DisposeAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or AggregateException)
            {
            }

            throw;
        }
    }

    private static bool IsPortTaken(Exception exception) => exception switch
    {
        Microsoft.AspNetCore.Connections.AddressInUseException => true,
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsPortTaken),
        _ => exception.InnerException is { } inner && IsPortTaken(inner),
    };

    /// <summary>An HTTP client to the gateway; <paramref name="bearer"/> goes into <c>Authorization: Bearer</c>.</summary>
    public HttpClient CreateClient(string? bearer = null)
    {
        var client = _kestrelAddress is { } address
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = address }
            : _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>The official OpenAI .NET client, talking to this gateway.</summary>
    public ChatClient OpenAiChat(string model, string apiKey = ServiceKey, string prefix = "/v1") =>
        new(model, new ApiKeyCredential(apiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseAddress, prefix),
            Transport = new HttpClientPipelineTransport(CreateClient()),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

    /// <summary>Adds an account to the simulator and imports it into the gateway's pool through the admin API.</summary>
    public async Task<SimAccount> AddPooledAccountAsync(string email, string plan = "plus", string? teamAccountId = null)
    {
        var account = Simulator.AddAccount(email, plan, teamAccountId: teamAccountId);
        using var admin = CreateClient(AdminPassword);
        var response = await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = account.RefreshToken });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"importing {email} failed: {(int)response.StatusCode} {body}");
        return account;
    }

    public async Task<AccountSnapshot> SnapshotAsync(string email) =>
        await Grains.GetGrain<IAccountGrain>(AccountIds.ForEmail(email)).GetSnapshotAsync()
        ?? throw new InvalidOperationException($"{email} is not registered");

    /// <summary>Gets a mirror token for a user on one account through <c>/api/get-mirror-token</c>.</summary>
    public async Task<string> MirrorTokenAsync(string userName, string email, object? limits = null, bool isolatedSession = true)
    {
        using var admin = CreateClient(AdminPassword);
        var response = await admin.PostAsJsonAsync("/api/get-mirror-token", new { user_name = userName, isolated_session = isolatedSession, limits = limits ?? Array.Empty<object>(), chatgpt_list = new[] { email } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"get-mirror-token failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)![0]!["mirror_token"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _factory.DisposeAsync();
        }
        finally
        {
            if (_ownsSimulator)
            {
                await Simulator.DisposeAsync();
            }

            if (_ownsData)
            {
                _data.Dispose();
            }
        }
    }
}
