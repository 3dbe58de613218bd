using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;
using OpenAI.Chat;
using OpenAI.Files;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the OpenAI library.

namespace MirrorGate.Tests.Files;

/// <summary><c>POST /v1/files</c> and file ids in chat and responses, with the official .NET and npm clients and raw HTTP.</summary>
public sealed class FilesTests(FilesGateway gateway) : IClassFixture<FilesGateway>
{
    private static string Described(string name, int size, string type) => SimReplies.Files([(name, size, type)]);

    [Fact]
    public async Task The_dotnet_client_uploads_a_file_and_a_chat_turn_gets_it_on_the_account_that_holds_it()
    {
        var text = Encoding.UTF8.GetBytes("quarterly numbers: 1, 2, 3");
        var before = gateway.App.Simulator.CallCount("files", FilesGateway.Email);
        OpenAIFile file = await FilesGateway.FileClient(gateway.App).UploadFileAsync(BinaryData.FromBytes(text), "report.txt", FileUploadPurpose.Assistants);

        Assert.StartsWith("file-", file.Id, StringComparison.Ordinal);
        Assert.Equal("report.txt", file.Filename);
        Assert.Equal(text.Length, file.SizeInBytes);
        Assert.Equal(before + 1, gateway.App.Simulator.CallCount("files", FilesGateway.Email));

        // The .NET chat client sends {"type":"file","file":{"file_id":…}}.
        ChatCompletion answer = await gateway.App.OpenAiChat("auto").CompleteChatAsync(
            new UserChatMessage(ChatMessageContentPart.CreateFilePart(file.Id), ChatMessageContentPart.CreateTextPart("Summarise the file")));
        Assert.Equal(SimReplies.For("Summarise the file", 1) + Described("report.txt", text.Length, "text/plain"), answer.Content[0].Text);
    }

    [Fact]
    public async Task Aurora_input_file_parts_and_image_parts_reach_the_turn_and_an_image_goes_with_its_size()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var png = FilesGateway.Png(8, 6);
        var document = await FilesGateway.UploadIdAsync(client, Encoding.UTF8.GetBytes("{\"a\":1}"), "data.json");
        var image = await FilesGateway.UploadIdAsync(client, png, "chart.png");

        using var response = await FilesGateway.ChatWithPartsAsync(client, "What do these show?",
            new JsonObject { ["type"] = "input_file", ["file_id"] = document },
            new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = image } });

        Assert.Equal(SimReplies.For("What do these show?", 1) + Described("data.json", 7, "application/json") + Described("chart.png", png.Length, "image/png"),
            await FilesGateway.ChatContentAsync(response));
    }

    [Fact]
    public async Task Responses_take_input_file_and_input_image_parts_through_the_dotnet_client()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var png = FilesGateway.Png(4, 4);
        var document = await FilesGateway.UploadIdAsync(client, Encoding.UTF8.GetBytes("hello notes"), "notes.md");
        var image = await FilesGateway.UploadIdAsync(client, png, "logo.png");

        var responses = Responses.ResponsesGateway.Client(gateway.App);
        ResponseResult result = await responses.CreateResponseAsync(new CreateResponseOptions("auto",
        [
            ResponseItem.CreateUserMessageItem(
            [
                ResponseContentPart.CreateInputFilePart(document),
                ResponseContentPart.CreateInputImagePart(image),
                ResponseContentPart.CreateInputTextPart("Compare them"),
            ]),
        ]));

        Assert.Equal(SimReplies.For("Compare them", 1) + Described("notes.md", 11, "text/markdown") + Described("logo.png", png.Length, "image/png"), result.GetOutputText());
    }

    [Fact]
    public async Task GET_of_a_file_answers_its_object_and_unknown_or_edited_ids_are_404()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var id = await FilesGateway.UploadIdAsync(client, Encoding.UTF8.GetBytes("x,y\n1,2"), "table.csv");

        var found = await client.GetFromJsonAsync<JsonObject>("/v1/files/" + id);
        Assert.Equal(("file", "table.csv", 7), (found!["object"]!.GetValue<string>(), found["filename"]!.GetValue<string>(), found["bytes"]!.GetValue<int>()));

        var edited = id[..^2] + (id[^2] == 'A' ? "B" : "A") + id[^1];
        foreach (var unknown in new[] { "file-abc", edited, "file-" + new string('A', 40) })
        {
            using var get = await client.GetAsync("/v1/files/" + unknown);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            using var chat = await FilesGateway.ChatWithPartsAsync(client, "use it", new JsonObject { ["type"] = "input_file", ["file_id"] = unknown });
            Assert.Equal(HttpStatusCode.NotFound, chat.StatusCode);
            Assert.Equal("file_not_found", (await chat.JsonAsync())["error"]!["code"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("big.txt", FilesGateway.MaxBytes + 1, "assistants", HttpStatusCode.RequestEntityTooLarge, "file_too_large")]
    [InlineData("tool.exe", 10, "assistants", HttpStatusCode.BadRequest, "unsupported_file_type")]
    [InlineData("empty.txt", 0, "assistants", HttpStatusCode.BadRequest, "empty_file")]
    [InlineData("ok.txt", 10, null, HttpStatusCode.BadRequest, "invalid_request_error")]
    [InlineData("ok.txt", 10, "homework", HttpStatusCode.BadRequest, "invalid_value")]
    public async Task Size_type_and_purpose_limits_answer_OpenAI_errors_and_nothing_goes_upstream(string name, int size, string? purpose, HttpStatusCode status, string code)
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var before = gateway.App.Simulator.CallCount("files");
        using var response = await FilesGateway.UploadAsync(client, new byte[size], name, purpose);

        Assert.Equal(status, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Equal(before, gateway.App.Simulator.CallCount("files"));
    }

    [Fact]
    public async Task A_JSON_body_or_a_form_without_a_file_is_a_400()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var json = await client.PostAsJsonAsync("/v1/files", new { purpose = "assistants" });
        using var form = new MultipartFormDataContent { { new StringContent("assistants"), "purpose" } };
        using var noFile = await client.PostAsync("/v1/files", form);

        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Equal("file", (await noFile.JsonAsync())["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_free_device_id_gets_403_with_Aurora_message_on_upload_and_on_use()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey + " " + Guid.NewGuid());
        using var upload = await FilesGateway.UploadAsync(client, Encoding.UTF8.GetBytes("free"), "free.txt");
        using var pooled = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var id = await FilesGateway.UploadIdAsync(pooled, Encoding.UTF8.GetBytes("pooled"), "pooled.txt");
        using var use = await FilesGateway.ChatWithPartsAsync(client, "read it", new JsonObject { ["type"] = "input_file", ["file_id"] = id });

        foreach (var response in new[] { upload, use })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var error = (await response.JsonAsync())["error"]!;
            Assert.Equal("missing_access_token", error["code"]!.GetValue<string>());
            Assert.Equal("Files API requires a logged-in ChatGPT access token.", error["message"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task An_image_URL_part_that_is_no_file_id_is_a_400_naming_the_upload()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var response = await FilesGateway.ChatWithPartsAsync(client, "look", new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "https://example.com/cat.png" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("POST /v1/files", (await response.JsonAsync())["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_npm_openai_package_uploads_and_asks_about_the_file_in_chat_and_responses()
    {
        var seen = await NpmOpenAi.RunAsync("files-images.mjs", new Uri(gateway.App.BaseAddress, "/v1").ToString(), GatewayApp.ServiceKey);

        Assert.StartsWith("file-", seen["file"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("node.txt", 13), (seen["file"]!["filename"]!.GetValue<string>(), seen["file"]!["bytes"]!.GetValue<int>()));
        Assert.Equal(SimReplies.For("What is in node.txt?", 1) + Described("node.txt", 13, "text/plain"), seen["chat"]!.GetValue<string>());
        Assert.Equal(SimReplies.For("And in responses?", 1) + Described("node.txt", 13, "text/plain"), seen["response"]!.GetValue<string>());
        Assert.Equal("image/png", seen["urlType"]!.GetValue<string>());
        Assert.Equal("MGSIM image\nA node cat", Encoding.UTF8.GetString(Convert.FromBase64String(seen["b64"]!.GetValue<string>())[8..]));
        Assert.Equal("MGSIM image\nA node dog\n\n(Image size: 1024x1024, square composition.)", Encoding.UTF8.GetString(Convert.FromHexString(seen["urlHex"]!.GetValue<string>())[8..]));
        Assert.Equal(403, seen["freeStatus"]!.GetValue<int>());
    }
}
