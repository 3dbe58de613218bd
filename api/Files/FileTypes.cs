using System.Buffers.Binary;

namespace MirrorGate.Api.Files;

/// <summary>
/// What the upstream is told about a file (research §5): its media type, from the name's extension (a client's
/// <c>application/octet-stream</c> says nothing); its use case (images <c>multimodal</c>, documents and text
/// <c>my_files</c>, the rest <c>ace_upload</c>); and an image's size, read from a PNG or GIF header (AUR and BK send
/// width and height; for other formats they are left out, which C2A and XQ always do).
/// </summary>
public static class FileTypes
{
    private static readonly Dictionary<string, string> MimeTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["png"] = "image/png", ["jpg"] = "image/jpeg", ["jpeg"] = "image/jpeg", ["gif"] = "image/gif", ["webp"] = "image/webp",
        ["pdf"] = "application/pdf", ["doc"] = "application/msword",
        ["docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ["ppt"] = "application/vnd.ms-powerpoint", ["pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ["xls"] = "application/vnd.ms-excel", ["xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ["txt"] = "text/plain", ["md"] = "text/markdown", ["csv"] = "text/csv", ["json"] = "application/json", ["xml"] = "application/xml",
        ["html"] = "text/html", ["htm"] = "text/html", ["zip"] = "application/zip",
    };

    private static readonly HashSet<string> MultimodalTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    private static readonly HashSet<string> DocumentExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "pdf", "doc", "docx", "ppt", "pptx", "txt", "md", "csv", "json", "xml", "html", "htm",
        "py", "js", "ts", "java", "c", "cpp", "h", "cs", "go", "rb", "php", "sh", "sql", "yaml", "yml",
    };

    /// <summary>The lower-case extension without the dot; empty when the name has none.</summary>
    public static string Extension(string name) => Path.GetExtension(name).TrimStart('.').ToLowerInvariant();

    public static string MimeType(string extension, string? declared) =>
        MimeTypes.TryGetValue(extension, out var known) ? known
        : declared is { Length: > 0 } d && d != "application/octet-stream" ? d
        : DocumentExtensions.Contains(extension) ? "text/plain"
        : "application/octet-stream";

    public static string UseCase(string extension, string mimeType) =>
        MultimodalTypes.Contains(mimeType) ? "multimodal" : DocumentExtensions.Contains(extension) ? "my_files" : "ace_upload";

    /// <summary>Width and height from a PNG (IHDR) or GIF (logical screen) header; null otherwise.</summary>
    public static (int Width, int Height)? ImageSize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 24 && bytes[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return ((int)BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]), (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]));
        }

        if (bytes.Length >= 10 && (bytes[..6].SequenceEqual("GIF87a"u8) || bytes[..6].SequenceEqual("GIF89a"u8)))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]));
        }

        return null;
    }
}
