namespace MirrorGate.Api.Files;

/// <summary>Uploads through <c>POST /v1/files</c> on the ChatGPT web path; configuration section <c>Files</c>.</summary>
public sealed class FilesOptions
{
    public const string SectionName = "Files";

    /// <summary>
    /// The largest file accepted, in bytes; a larger one is answered 413 before anything goes upstream. ChatGPT's own
    /// limit (512 MB per file at the time of writing) is far above what a gateway should hold in memory while it uploads.
    /// </summary>
    /// <value>20 MiB by default.</value>
    public long MaxBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// File name extensions accepted (lower case, without the dot); any other is answered 400. Images go up as
    /// <c>multimodal</c>, documents and text as <c>my_files</c>, the rest as <c>ace_upload</c> (research §5).
    /// </summary>
    /// <value>Common images, documents, data and source files.</value>
    public string[] AllowedExtensions { get; set; } =
    [
        "png", "jpg", "jpeg", "gif", "webp",
        "pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "txt", "md", "csv", "json", "xml", "html", "htm",
        "py", "js", "ts", "java", "c", "cpp", "h", "cs", "go", "rb", "php", "sh", "sql", "yaml", "yml", "zip",
    ];

    /// <summary>The catalog model whose accounts may take uploads (plan fit and cool-downs); the chat default.</summary>
    /// <value><c>auto</c> by default.</value>
    public string AccountModel { get; set; } = "auto";
}
