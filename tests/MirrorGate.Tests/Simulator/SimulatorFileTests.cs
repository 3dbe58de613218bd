using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Simulator;

/// <summary>The simulator's three-step file upload (research §5) and its download pointers, over raw HTTP.</summary>
public sealed class SimulatorFileTests : IAsyncLifetime
{
    private const string Email = "files@example.com";
    private static readonly byte[] Bytes = Encoding.UTF8.GetBytes("The secret word is tangerine.");
    private UpstreamSimulator _sim = null!;
    private SimTestClient _client = null!;
    private string _bearer = null!;

    public async Task InitializeAsync()
    {
        _sim = await UpstreamSimulator.StartAsync();
        _client = new SimTestClient(_sim);
        _bearer = _sim.AddAccount(Email).AccessToken;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _sim.DisposeAsync();
    }

    [Fact]
    public async Task Create_put_and_confirm_make_a_file_whose_download_pointer_serves_its_bytes()
    {
        var (fileId, uploadUrl) = await CreateAsync("notes.txt", Bytes.Length, "my_files");
        Assert.StartsWith("file-", fileId, StringComparison.Ordinal);
        Assert.Contains("sp=cw", uploadUrl, StringComparison.Ordinal);
        Assert.Contains("sig=", uploadUrl, StringComparison.Ordinal);

        using var put = await PutAsync(uploadUrl, Bytes);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using var confirmed = await _client.SendAsync(HttpMethod.Post, $"/backend-api/files/{fileId}/uploaded", _bearer, new JsonObject());
        var confirmation = await SimTestClient.JsonAsync(confirmed);
        Assert.Equal("success", confirmation["status"]!.GetValue<string>());
        Assert.Equal("notes.txt", confirmation["file_name"]!.GetValue<string>());

        using var described = await _client.SendAsync(HttpMethod.Get, $"/backend-api/files/{fileId}", _bearer);
        Assert.Equal("success", (await SimTestClient.JsonAsync(described))["retrieval_index_status"]!.GetValue<string>());

        foreach (var path in new[] { $"/backend-api/files/{fileId}/download", $"/backend-api/files/download/{fileId}?conversation_id=x&inline=false" })
        {
            using var download = await _client.SendAsync(HttpMethod.Get, path, _bearer);
            var pointer = await SimTestClient.JsonAsync(download);
            Assert.Equal("success", pointer["status"]!.GetValue<string>());
            Assert.Equal(Bytes, await _client.Http.GetByteArrayAsync(pointer["download_url"]!.GetValue<string>()));
        }

        var file = _sim.GetFile(fileId)!;
        Assert.True(file.Confirmed);
        Assert.Equal(Email, file.OwnerEmail);
        Assert.Equal(1, _sim.CallCount(SimEndpoints.FileCreate, Email));
        Assert.Equal(1, _sim.CallCount(SimEndpoints.FileUploaded, Email));
    }

    [Fact]
    public async Task The_blob_store_refuses_a_bearer_a_missing_blob_type_and_a_forged_signature()
    {
        var (fileId, uploadUrl) = await CreateAsync("a.png", Bytes.Length, "multimodal");

        using var withBearer = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(Bytes) };
        withBearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _bearer);
        withBearer.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var bearerAnswer = await _client.Http.SendAsync(withBearer);
        using var noType = await _client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(Bytes) });
        using var forged = await PutAsync(uploadUrl.Replace("sig=", "sig=x", StringComparison.Ordinal), Bytes);
        using var early = await _client.SendAsync(HttpMethod.Post, $"/backend-api/files/{fileId}/uploaded", _bearer, new JsonObject());

        Assert.Equal(HttpStatusCode.BadRequest, bearerAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noType.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Null(_sim.GetFile(fileId)!.Bytes);
    }

    [Fact]
    public async Task Files_need_a_login_belong_to_their_account_and_need_a_valid_declaration()
    {
        var (fileId, uploadUrl) = await CreateAsync("b.txt", Bytes.Length, "my_files");
        using (await PutAsync(uploadUrl, Bytes))
        using (await _client.SendAsync(HttpMethod.Post, $"/backend-api/files/{fileId}/uploaded", _bearer, new JsonObject()))
        {
        }

        var other = _sim.AddAccount("other@example.com").AccessToken;
        using var foreign = await _client.SendAsync(HttpMethod.Get, $"/backend-api/files/{fileId}/download", other);
        using var anonymous = await _client.SendAsync(HttpMethod.Post, "/backend-api/files", null, new JsonObject { ["file_name"] = "c.txt", ["file_size"] = 3, ["use_case"] = "my_files" });
        using var badUseCase = await _client.SendAsync(HttpMethod.Post, "/backend-api/files", _bearer, new JsonObject { ["file_name"] = "c.txt", ["file_size"] = 3, ["use_case"] = "nope" });
        using var noSize = await _client.SendAsync(HttpMethod.Post, "/backend-api/files", _bearer, new JsonObject { ["file_name"] = "c.txt", ["use_case"] = "my_files" });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badUseCase.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noSize.StatusCode);
    }

    private async Task<(string FileId, string UploadUrl)> CreateAsync(string name, int size, string useCase)
    {
        using var created = await _client.SendAsync(HttpMethod.Post, "/backend-api/files", _bearer,
            new JsonObject { ["file_name"] = name, ["file_size"] = size, ["use_case"] = useCase, ["timezone_offset_min"] = -60 });
        var body = await SimTestClient.JsonAsync(created);
        Assert.Equal("success", body["status"]!.GetValue<string>());
        return (body["file_id"]!.GetValue<string>(), body["upload_url"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> PutAsync(string url, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", "2020-04-08");
        return _client.Http.SendAsync(request);
    }
}
