namespace MirrorGate.Api.Files;

/// <summary>
/// A file uploaded through the gateway, as its id carries it (<see cref="FileIds"/>): where it lives upstream and what
/// the conversation message must say about it (research §5).
/// </summary>
/// <param name="AccountId">The pooled account that holds it; empty when it was uploaded with the caller's own access token.</param>
/// <param name="UpstreamId">The backend's <c>file-…</c> id.</param>
/// <param name="Name">The uploaded file name.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="MimeType">Its media type.</param>
/// <param name="Width">An image's width, when read from its header.</param>
/// <param name="Height">An image's height.</param>
/// <param name="CreatedAt">Unix seconds of the upload.</param>
/// <param name="Purpose">The <c>purpose</c> the client gave.</param>
public sealed record FileRecord(string AccountId, string UpstreamId, string Name, long Size, string MimeType, int? Width, int? Height, long CreatedAt, string Purpose)
{
    public bool IsImage => MimeType.StartsWith("image/", StringComparison.Ordinal);

    /// <summary>The <c>file-service://</c> pointer of an image part.</summary>
    public string AssetPointer => "file-service://" + UpstreamId;
}
