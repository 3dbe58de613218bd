namespace MirrorGate.Upstream.ChatGpt.Files;

/// <summary>
/// ChatGPT's files (research §5), beside <see cref="IChatGptClient"/>: the three-step upload, and the download of a file
/// the backend holds (an upload, or an image the conversation's image tool made). Needs a logged-in credential; expected
/// failures are values, as everywhere in the client.
/// </summary>
public interface IChatGptFiles
{
    /// <summary>
    /// <c>POST /backend-api/files</c> → <c>PUT</c> the bytes to the signed blob URL (no <c>Authorization</c>) →
    /// <c>POST /backend-api/files/{id}/uploaded</c>. The first failing step's failure is returned.
    /// </summary>
    Task<UpstreamResult<UploadedFile>> UploadAsync(UpstreamCredential credential, FileUpload upload, CancellationToken cancellationToken);

    /// <summary>
    /// The bytes of a file named by an asset pointer (<c>file-service://file-…</c> through <c>/files/{id}/download</c>,
    /// <c>sediment://file_…</c> through <c>/files/download/{id}?conversation_id=</c>), then its signed URL.
    /// </summary>
    Task<UpstreamResult<DownloadedFile>> DownloadAsync(UpstreamCredential credential, string assetPointer, string? conversationId, CancellationToken cancellationToken);
}
