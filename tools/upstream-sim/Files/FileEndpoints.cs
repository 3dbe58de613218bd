using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Http;

namespace MirrorGate.UpstreamSim.Files;

/// <summary>
/// The upload flow of research §5, with its blob store on this host under <c>/_blob/files/{id}</c>:
/// <list type="number">
/// <item><c>POST /backend-api/files</c> <c>{file_name, file_size, use_case, …}</c> → <c>{status, upload_url, file_id}</c>;</item>
/// <item><c>PUT {upload_url}</c> with the bytes, <c>x-ms-blob-type: BlockBlob</c> and no <c>Authorization</c> → 201;</item>
/// <item><c>POST /backend-api/files/{id}/uploaded</c> <c>{}</c> → <c>{status, download_url, file_name, mime_type}</c>;</item>
/// </list>
/// then <c>GET /backend-api/files/{id}</c> (metadata, <c>retrieval_index_status</c>), <c>GET /backend-api/files/{id}/download</c>
/// and the newest <c>GET /backend-api/files/download/{id}?conversation_id=</c> → <c>{status, download_url}</c>, whose signed blob
/// URL serves the bytes. Files need a login: there is no <c>/backend-anon</c> form.
/// </summary>
internal sealed class FileEndpoints(CallerResolver callers, FileStore files, Faults.FaultBook faults)
{
    /// <summary>The use cases the web client sends: images, retrieval documents, anything else (code interpreter).</summary>
    private static readonly HashSet<string> UseCases = ["multimodal", "my_files", "ace_upload"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/backend-api/files", (HttpContext c, FileEndpoints e) => e.CreateAsync(c));
        app.MapPost("/backend-api/files/{id}/uploaded", (HttpContext c, string id, FileEndpoints e) => e.Confirm(c, id));
        app.MapGet("/backend-api/files/{id}", (HttpContext c, string id, FileEndpoints e) => e.Describe(c, id));
        app.MapGet("/backend-api/files/{id}/download", (HttpContext c, string id, FileEndpoints e) => e.Download(c, id, SimEndpoints.FileDownload));
        app.MapGet("/backend-api/files/download/{id}", (HttpContext c, string id, FileEndpoints e) => e.Download(c, id, SimEndpoints.FileDownload));
        app.MapPut("/_blob/files/{id}", (HttpContext c, string id, FileEndpoints e) => e.PutBlobAsync(c, id));
        app.MapGet("/_blob/files/{id}", (HttpContext c, string id, FileEndpoints e) => e.GetBlob(c, id));
    }

    private async Task<IResult> CreateAsync(HttpContext context)
    {
        var (caller, error) = callers.Resolve(context, SimEndpoints.FileCreate, anonymous: false);
        if (caller is null)
        {
            return error!;
        }

        // A fault queued for the account without a model filter hits its next file declaration too (401, 429, 5xx; a
        // stream fault has nothing to do here and is used up), so a gateway's upload can be made to fail over.
        if (faults.Take(caller.Email, string.Empty) is { } fault && Faults.FaultResponses.Rejection(fault) is { } faulted)
        {
            return faulted;
        }

        var body = await SimJson.ReadAsync(context.Request, context.RequestAborted) as JsonObject;
        var name = SimJson.String(body, "file_name");
        var useCase = SimJson.String(body, "use_case");
        long size = 0;
        var sized = body?["file_size"] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out size) && size > 0;
        if (string.IsNullOrEmpty(name) || !sized || useCase is null || !UseCases.Contains(useCase))
        {
            // The backend's answer to a bad body is not captured; 422 as for a bad conversation body (research §3.12).
            return SimJson.Result(new JsonObject { ["detail"] = "file_name, file_size (> 0) and use_case (multimodal, my_files, ace_upload) are required" }, StatusCodes.Status422UnprocessableEntity);
        }

        var record = files.Create(caller.OwnerKey, caller.Email, name, size, useCase, SimJson.String(body, "mime_type"));
        return SimJson.Result(new JsonObject
        {
            ["status"] = "success",
            ["upload_url"] = BlobUrl(context, record.Id, "cw"),
            ["file_id"] = record.Id,
        });
    }

    private async Task<IResult> PutBlobAsync(HttpContext context, string id)
    {
        var request = context.Request;
        if (!files.IsValid(id, "cw", request.Query["se"], request.Query["sig"]) || files.Find(id) is not { } record)
        {
            return BlobError(StatusCodes.Status403Forbidden, "AuthenticationFailed");
        }

        // The blob store is not the backend: the web client sends no bearer there (research §5), and Azure answers a
        // Put Blob without the blob type with 400 MissingRequiredHeader.
        if (request.Headers.Authorization.Count > 0)
        {
            return BlobError(StatusCodes.Status400BadRequest, "InvalidAuthenticationInfo");
        }

        if (request.Headers["x-ms-blob-type"] != "BlockBlob")
        {
            return BlobError(StatusCodes.Status400BadRequest, "MissingRequiredHeader");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        lock (record.Gate)
        {
            record.Bytes = buffer.ToArray();
            record.MimeType ??= request.ContentType;
        }

        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private IResult Confirm(HttpContext context, string id)
    {
        var (caller, error) = callers.Resolve(context, SimEndpoints.FileUploaded, anonymous: false);
        if (caller is null)
        {
            return error!;
        }

        if (files.Find(id, caller.OwnerKey) is not { } record)
        {
            return FileNotFound(id);
        }

        lock (record.Gate)
        {
            // Sim choice (not captured): confirming before the bytes arrived, or with fewer or more bytes than declared, is refused.
            if (record.Bytes is null || record.Bytes.LongLength != record.DeclaredSize)
            {
                return SimJson.Result(new JsonObject { ["detail"] = "The uploaded blob is missing or does not match the declared file_size" }, StatusCodes.Status400BadRequest);
            }

            record.Confirmed = true;
            return SimJson.Result(new JsonObject
            {
                ["status"] = "success",
                ["download_url"] = BlobUrl(context, id, "r"),
                ["file_name"] = record.Name,
                ["mime_type"] = record.MimeType,
            });
        }
    }

    private IResult Describe(HttpContext context, string id)
    {
        var (caller, error) = callers.Resolve(context, SimEndpoints.FileGet, anonymous: false);
        if (caller is null)
        {
            return error!;
        }

        if (files.Find(id, caller.OwnerKey) is not { Confirmed: true } record)
        {
            return FileNotFound(id);
        }

        return SimJson.Result(new JsonObject
        {
            ["id"] = record.Id,
            ["name"] = record.Name,
            ["size"] = record.DeclaredSize,
            ["mime_type"] = record.MimeType,
            ["use_case"] = record.UseCase,

            // Indexing is instant here; the real backend needs polling (research §5, step 4).
            ["retrieval_index_status"] = record.UseCase == "my_files" ? "success" : null,
            ["file_size_tokens"] = record.UseCase == "my_files" ? Math.Max(1, record.DeclaredSize / 4) : null,
        });
    }

    private IResult Download(HttpContext context, string id, string endpoint)
    {
        var (caller, error) = callers.Resolve(context, endpoint, anonymous: false);
        if (caller is null)
        {
            return error!;
        }

        if (files.Find(id, caller.OwnerKey) is not { Confirmed: true } record)
        {
            return FileNotFound(id);
        }

        return SimJson.Result(new JsonObject
        {
            ["status"] = "success",
            ["download_url"] = BlobUrl(context, id, "r"),
            ["file_name"] = record.Name,
            ["file_size_bytes"] = record.DeclaredSize,
        });
    }

    private IResult GetBlob(HttpContext context, string id)
    {
        var request = context.Request;
        if (!files.IsValid(id, "r", request.Query["se"], request.Query["sig"]) || files.Find(id) is not { Bytes: { } bytes } record)
        {
            return BlobError(StatusCodes.Status403Forbidden, "AuthenticationFailed");
        }

        return Results.Bytes(bytes, record.MimeType ?? "application/octet-stream");
    }

    private string BlobUrl(HttpContext context, string id, string permissions) =>
        $"{context.Request.Scheme}://{context.Request.Host}/_blob/files/{id}?{files.SignedQuery(id, permissions)}";

    private static IResult FileNotFound(string id) =>
        SimJson.Result(new JsonObject { ["detail"] = $"File {id} not found" }, StatusCodes.Status404NotFound);

    /// <summary>Azure's error body is XML with a <c>Code</c>; the code is what clients read.</summary>
    private static IResult BlobError(int status, string code) =>
        Results.Content($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>", "application/xml", null, status);
}
