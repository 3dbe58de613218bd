using System.ClientModel;
using System.ClientModel.Primitives;
using MirrorGate.Tests.Infrastructure;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the OpenAI library.

namespace MirrorGate.Tests.Responses;

/// <summary>
/// One gateway on a real loopback socket (the npm client needs one) in front of its simulator with one pooled
/// account, shared by the Responses tests that only read and write conversations of their own.
/// </summary>
public sealed class ResponsesGateway : IAsyncLifetime
{
    public const string Email = "responses@example.com";

    public GatewayApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await GatewayApp.StartAsync(kestrel: true);
        await App.AddPooledAccountAsync(Email);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>The official OpenAI .NET Responses client, talking to <paramref name="app"/>.</summary>
    public static ResponsesClient Client(GatewayApp app, string apiKey = GatewayApp.ServiceKey) =>
        new(new ApiKeyCredential(apiKey), new ResponsesClientOptions
        {
            Endpoint = new Uri(app.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(app.CreateClient()),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
}
