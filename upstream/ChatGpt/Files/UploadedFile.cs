namespace MirrorGate.Upstream.ChatGpt.Files;

/// <summary>A file the backend confirmed: its id (<c>file-…</c>).</summary>
public sealed record UploadedFile(string FileId);
