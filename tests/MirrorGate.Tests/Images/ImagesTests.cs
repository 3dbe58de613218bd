using System.Net;
using System.Net.Http.Json;
using System.Text;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Files;
using MirrorGate.Tests.Infrastructure;
using OpenAI.Images;

namespace MirrorGate.Tests.Images;

/// <summary><c>POST /v1/images/generations</c> through the image tool, in both formats, with the official .NET client and raw HTTP.</summary>
public sealed class ImagesTests(FilesGateway gateway) : IClassFixture<FilesGateway>
{
    /// <summary>The simulator's image: the PNG signature, then "MGSIM image" and the prompt the tool was given.</summary>
    public static string PromptOf(byte[] image)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], image[..8]);
        var text = Encoding.UTF8.GetString(image[8..]);
        Assert.StartsWith("MGSIM image\n", text, StringComparison.Ordinal);
        return text["MGSIM image\n".Length..];
    }

    [Fact]
    public async Task The_dotnet_client_gets_b64_json_bytes_of_the_image_the_tool_made()
    {
        GeneratedImage image = await FilesGateway.ImageClient(gateway.App).GenerateImageAsync("A red fox in snow", new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes });

        Assert.Equal("A red fox in snow", PromptOf(image.ImageBytes.ToArray()));
        Assert.Null(image.ImageUri);
    }

    [Fact]
    public async Task The_dotnet_client_gets_a_url_served_by_the_gateway_itself_never_the_upstreams()
    {
        GeneratedImage image = await FilesGateway.ImageClient(gateway.App).GenerateImageAsync("A lighthouse", new ImageGenerationOptions
        {
            ResponseFormat = GeneratedImageFormat.Uri,
            Size = GeneratedImageSize.W1792xH1024,
        });

        Assert.Equal(gateway.App.BaseAddress.Authority, image.ImageUri.Authority);
        Assert.DoesNotContain(gateway.App.Simulator.BaseUrl.Authority, image.ImageUri.ToString(), StringComparison.Ordinal);
        using var anonymous = gateway.App.CreateClient();
        using var response = await anonymous.GetAsync(image.ImageUri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("A lighthouse\n\n(Image size: 1792x1024, landscape composition.)", PromptOf(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Without_a_format_the_answer_is_b64_json_as_Aurora_answers_and_n_makes_one_conversation_per_image()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var before = gateway.App.Simulator.CallCount("f/conversation", FilesGateway.Email);
        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { model = "gpt-image-2", prompt = "Two moons", n = 2 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var data = body["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.All(data, d =>
        {
            Assert.Equal("Two moons", PromptOf(Convert.FromBase64String(d!["b64_json"]!.GetValue<string>())));
            Assert.Equal("Two moons", d["revised_prompt"]!.GetValue<string>());
            Assert.Null(d["url"]);
        });
        Assert.True(body["created"]!.GetValue<long>() > 0);
        Assert.Equal(before + 2, gateway.App.Simulator.CallCount("f/conversation", FilesGateway.Email));
    }

    [Fact]
    public async Task An_edited_link_is_404_and_the_link_carries_no_upstream_secret()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Edited", response_format = "url" });
        var url = new Uri((await response.JsonAsync())["data"]![0]!["url"]!.GetValue<string>());
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        var id = url.AbsolutePath[(url.AbsolutePath.LastIndexOf('/') + 1)..];

        using var anonymous = gateway.App.CreateClient();
        var edits = new[]
        {
            $"{url.AbsolutePath}?expires={query["expires"]}&sig={Flip(query["sig"]!)}",
            $"{url.AbsolutePath}?expires={long.Parse(query["expires"]!, System.Globalization.CultureInfo.InvariantCulture) + 3600}&sig={query["sig"]}",
            $"{url.AbsolutePath.Replace(id, Flip(id), StringComparison.Ordinal)}?expires={query["expires"]}&sig={query["sig"]}",
            url.AbsolutePath,
        };
        foreach (var edited in edits)
        {
            using var get = await anonymous.GetAsync(edited);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal("image_not_found", (await get.JsonAsync())["error"]!["code"]!.GetValue<string>());
        }

        var decoded = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(id));
        Assert.StartsWith("sediment://", decoded.Split('\n')[1], StringComparison.Ordinal);
        Assert.DoesNotContain("oaiusercontent", decoded, StringComparison.Ordinal);
        Assert.DoesNotContain("/_blob/", decoded, StringComparison.Ordinal);

        static string Flip(string text) => (text[0] == 'A' ? 'B' : 'A') + text[1..];
    }

    [Theory]
    [InlineData("{\"prompt\":\"x\",\"n\":0}", "n")]
    [InlineData("{\"prompt\":\"x\",\"n\":11}", "n")]
    [InlineData("{\"prompt\":\"x\",\"n\":\"two\"}", "n")]
    [InlineData("{\"prompt\":\"x\",\"n\":1.5}", "n")]
    [InlineData("{\"prompt\":\"x\",\"size\":\"999x999\"}", "size")]
    [InlineData("{\"prompt\":\"x\",\"response_format\":\"png\"}", "response_format")]
    [InlineData("{\"prompt\":\"\"}", "prompt")]
    [InlineData("{\"n\":1}", "prompt")]
    [InlineData("{\"prompt\":7}", "prompt")]
    public async Task Bad_input_gets_an_OpenAI_400_naming_the_field_and_nothing_goes_upstream(string body, string param)
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var before = gateway.App.Simulator.CallCount("f/conversation");
        using var response = await client.PostAsync("/v1/images/generations", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(before, gateway.App.Simulator.CallCount("f/conversation"));
    }

    [Fact]
    public async Task A_free_device_id_gets_403_with_Aurora_message_before_anything_goes_upstream()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey + " " + Guid.NewGuid());
        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "free" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal("missing_access_token", error["code"]!.GetValue<string>());
        Assert.StartsWith("Images API does not support free/noauth accounts", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_with_its_own_access_token_gets_an_image_and_a_working_link()
    {
        var token = gateway.App.Simulator.IssueAccessToken(FilesGateway.Email, TimeSpan.FromHours(1));
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey + " " + token);
        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "Own token", response_format = "url" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = (await response.JsonAsync())["data"]![0]!["url"]!.GetValue<string>();

        Assert.DoesNotContain(token, url, StringComparison.Ordinal);
        using var anonymous = gateway.App.CreateClient();
        Assert.Equal("Own token", PromptOf(await anonymous.GetByteArrayAsync(url)));
    }
}
