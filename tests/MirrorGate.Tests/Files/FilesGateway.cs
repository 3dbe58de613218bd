using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;
using OpenAI;
using OpenAI.Files;
using OpenAI.Images;

namespace MirrorGate.Tests.Files;

/// <summary>
/// One gateway on a real loopback socket (the npm client needs one) with one pooled account, shared by the file and
/// image tests that inject no faults; uploads are capped at <see cref="MaxBytes"/> so the limit is cheap to test.
/// </summary>
public sealed class FilesGateway : IAsyncLifetime
{
    public const string Email = "filer@example.com";
    public const int MaxBytes = 4096;

    public GatewayApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await GatewayApp.StartAsync(Settings(), kestrel: true);
        await App.AddPooledAccountAsync(Email);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Files:MaxBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Images:PollInterval"] = "00:00:00.050",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    private static OpenAIClientOptions Options(GatewayApp app) => new()
    {
        Endpoint = new Uri(app.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(app.CreateClient()),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    };

    public static OpenAIFileClient FileClient(GatewayApp app, string apiKey = GatewayApp.ServiceKey) => new(new ApiKeyCredential(apiKey), Options(app));

    public static ImageClient ImageClient(GatewayApp app, string apiKey = GatewayApp.ServiceKey) => new("gpt-image-1", new ApiKeyCredential(apiKey), Options(app));

    /// <summary>Uploads through raw multipart; returns the response (the caller disposes it).</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string name, string? purpose = "assistants", string contentType = "application/octet-stream")
    {
        using var form = new MultipartFormDataContent();
        if (purpose is not null)
        {
            form.Add(new StringContent(purpose), "purpose");
        }

        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", name);
        return await client.PostAsync("/v1/files", form);
    }

    /// <summary>Uploads and returns the new id, asserting success.</summary>
    public static async Task<string> UploadIdAsync(HttpClient client, byte[] bytes, string name)
    {
        using var response = await UploadAsync(client, bytes, name);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"upload failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>A chat turn whose user message is text and the given content parts.</summary>
    public static Task<HttpResponseMessage> ChatWithPartsAsync(HttpClient client, string text, params JsonObject[] parts) =>
        client.PostAsync("/v1/chat/completions", System.Net.Http.Json.JsonContent.Create(new JsonObject
        {
            ["model"] = "auto",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray([.. parts, new JsonObject { ["type"] = "text", ["text"] = text }]) }),
        }));

    /// <summary>A PNG header for a <paramref name="width"/> × <paramref name="height"/> image, and a few bytes of data.</summary>
    public static byte[] Png(int width, int height) =>
    [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R',
        (byte)(width >> 24), (byte)(width >> 16), (byte)(width >> 8), (byte)width,
        (byte)(height >> 24), (byte)(height >> 16), (byte)(height >> 8), (byte)height,
        8, 6, 0, 0, 0, 1, 2, 3, 4,
    ];

    public static async Task<string> ChatContentAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"chat failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }
}
