using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MirrorGate.Upstream.ChatGpt.Http;

namespace MirrorGate.Upstream.ChatGpt.Files;

/// <summary>
/// The <see cref="IChatGptFiles"/> over HTTP, on the chat client's connection pools, headers and failure mapping. The
/// declaration sends the keys AUR sends (research §5: <c>file_name</c>, <c>file_size</c>, <c>use_case</c>,
/// <c>timezone_offset_min</c>, <c>mime_type</c>, <c>width</c>/<c>height</c> for images, the library flags); older
/// gateways send fewer, and which the backend needs is not captured.
/// </summary>
internal sealed class ChatGptFiles : IChatGptFiles
{
    /// <summary>Generous for an image or a document; a file is read whole before anything reaches the client.</summary>
    private const int MaxDownloadBytes = 64 * 1024 * 1024;

    private readonly UpstreamCaller _caller;
    private readonly UpstreamRequestFactory _requests;

    public ChatGptFiles(IOptions<ChatGptOptions> options, IUpstreamHttpClients clients, TimeProvider timeProvider, ILogger<ChatGptFiles> logger)
    {
        _caller = new UpstreamCaller(clients, options.Value, timeProvider, logger);
        _requests = new UpstreamRequestFactory(options.Value);
    }

    public async Task<UpstreamResult<UploadedFile>> UploadAsync(UpstreamCredential credential, FileUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(upload);
        var offset = -(int)_caller.TimeProvider.LocalTimeZone.GetUtcOffset(_caller.TimeProvider.GetUtcNow()).TotalMinutes;
        var declaration = JsonBody.Write((upload, offset), static (writer, state) =>
        {
            var (file, timezone) = state;
            writer.WriteStartObject();
            writer.WriteString("file_name", file.Name);
            writer.WriteNumber("file_size", file.Bytes.Length);
            writer.WriteString("use_case", file.UseCase);
            writer.WriteNumber("timezone_offset_min", timezone);
            writer.WriteString("mime_type", file.MimeType);
            if (file.Width is { } width && file.Height is { } height)
            {
                writer.WriteNumber("width", width);
                writer.WriteNumber("height", height);
            }

            writer.WriteBoolean("store_in_library", true);
            writer.WriteString("library_persistence_mode", "opportunistic");
            writer.WriteEndObject();
        });
        var created = await _caller.SendJsonAsync(_requests.Backend(HttpMethod.Post, credential, "/files", declaration), credential.ProxyUrl, credential.LogId,
            static (root, response) => Success(root) && Json(root, "file_id") is { } id && Json(root, "upload_url") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                ? UpstreamResult<(string, Uri)>.Ok((id, uri))
                : UpstreamResult<(string, Uri)>.Fail(Unexpected(response, "/files")), cancellationToken);
        if (!created.IsSuccess)
        {
            return UpstreamResult<UploadedFile>.Fail(created.Failure);
        }

        var (fileId, uploadUrl) = created.Value;
        var put = _requests.FileUrl(HttpMethod.Put, uploadUrl, credential with { AccessToken = null });
        put.Content = new ReadOnlyMemoryContent(upload.Bytes);
        put.Content.Headers.TryAddWithoutValidation("Content-Type", upload.MimeType);
        put.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
        put.Headers.TryAddWithoutValidation("x-ms-version", "2020-04-08");
        var stored = await _caller.SendForStreamAsync(put, credential.ProxyUrl, credential.LogId, cancellationToken);
        if (!stored.IsSuccess)
        {
            return UpstreamResult<UploadedFile>.Fail(stored.Failure);
        }

        // C2A and XQ want exactly 201; AUR takes any 2xx, as here.
        stored.Value.Dispose();
        var confirmed = await _caller.SendJsonAsync(
            _requests.Backend(HttpMethod.Post, credential, "/files/" + Uri.EscapeDataString(fileId) + "/uploaded", "{}"u8.ToArray()),
            credential.ProxyUrl, credential.LogId,
            (root, response) => Success(root) ? UpstreamResult<UploadedFile>.Ok(new UploadedFile(fileId)) : UpstreamResult<UploadedFile>.Fail(Unexpected(response, "/files/{id}/uploaded")),
            cancellationToken);
        return confirmed;
    }

    public async Task<UpstreamResult<DownloadedFile>> DownloadAsync(UpstreamCredential credential, string assetPointer, string? conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (!AssetPointers.TryParse(assetPointer, out var scheme, out var fileId))
        {
            return UpstreamResult<DownloadedFile>.Fail(new UpstreamFailure(UpstreamFailureKind.Protocol, null, "Not an asset pointer the gateway can download."));
        }

        // file-service:// → /files/{id}/download (C2A, XQ, AUR); sediment:// → the newest /files/download/{id} (CAP2).
        var endpoint = scheme == AssetPointers.SedimentScheme && conversationId is not null
            ? "/files/download/" + Uri.EscapeDataString(fileId) + "?conversation_id=" + Uri.EscapeDataString(conversationId) + "&inline=false"
            : "/files/" + Uri.EscapeDataString(fileId) + "/download";
        var located = await _caller.SendJsonAsync(_requests.Backend(HttpMethod.Get, credential, endpoint), credential.ProxyUrl, credential.LogId,
            static (root, response) => Success(root) && (Json(root, "download_url") ?? Json(root, "url")) is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                ? UpstreamResult<Uri>.Ok(uri)
                : UpstreamResult<Uri>.Fail(Unexpected(response, "/files/…/download")), cancellationToken);
        if (!located.IsSuccess)
        {
            return UpstreamResult<DownloadedFile>.Fail(located.Failure);
        }

        var sent = await _caller.SendForStreamAsync(_requests.FileUrl(HttpMethod.Get, located.Value, credential), credential.ProxyUrl, credential.LogId, cancellationToken);
        if (!sent.IsSuccess)
        {
            return UpstreamResult<DownloadedFile>.Fail(sent.Failure);
        }

        using var response = sent.Value;
        try
        {
            if (response.Content.Headers.ContentLength is > MaxDownloadBytes)
            {
                return UpstreamResult<DownloadedFile>.Fail(new UpstreamFailure(UpstreamFailureKind.Protocol, (int)response.StatusCode, "The upstream's file is larger than the gateway accepts."));
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return bytes.Length == 0
                ? UpstreamResult<DownloadedFile>.Fail(new UpstreamFailure(UpstreamFailureKind.Protocol, (int)response.StatusCode, "The upstream served an empty file."))
                : UpstreamResult<DownloadedFile>.Ok(new DownloadedFile(bytes, response.Content.Headers.ContentType?.MediaType));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return UpstreamResult<DownloadedFile>.Fail(new UpstreamFailure(UpstreamFailureKind.Network, null, "The upstream's file broke off: " + exception.GetType().Name));
        }
    }

    private static bool Success(JsonElement root) => Json(root, "status") is null or "success";

    private static string? Json(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static UpstreamFailure Unexpected(HttpResponseMessage response, string endpoint) =>
        new(UpstreamFailureKind.Protocol, (int)response.StatusCode, $"The upstream's answer to {endpoint} is not the one expected.");
}
