namespace MirrorGate.Upstream.ChatGpt.Files;

/// <summary>What is uploaded: the bytes, and what the web client declares about them (research §5, step 1).</summary>
/// <param name="Name">The file name.</param>
/// <param name="MimeType">The media type.</param>
/// <param name="UseCase"><c>multimodal</c> (images), <c>my_files</c> (retrieval documents) or <c>ace_upload</c> (anything else).</param>
/// <param name="Bytes">The content.</param>
/// <param name="Width">An image's width, when known (AUR and BK send it).</param>
/// <param name="Height">An image's height, when known.</param>
public sealed record FileUpload(string Name, string MimeType, string UseCase, ReadOnlyMemory<byte> Bytes, int? Width = null, int? Height = null)
{
    /// <summary>The bytes stay out of logs.</summary>
    public override string ToString() => $"FileUpload {{ Name = {Name}, MimeType = {MimeType}, UseCase = {UseCase}, Bytes = {Bytes.Length} }}";
}
