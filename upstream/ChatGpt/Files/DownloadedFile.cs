namespace MirrorGate.Upstream.ChatGpt.Files;

/// <summary>A file's bytes as the backend served them, and the media type it named.</summary>
public sealed record DownloadedFile(byte[] Bytes, string? ContentType)
{
    /// <summary>The bytes stay out of logs.</summary>
    public override string ToString() => $"DownloadedFile {{ Bytes = {Bytes.Length}, ContentType = {ContentType} }}";
}
