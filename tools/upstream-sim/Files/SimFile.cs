namespace MirrorGate.UpstreamSim;

/// <summary>A file the simulated backend holds, as a test sees it.</summary>
/// <param name="Id">The backend's file id (<c>file-…</c>).</param>
/// <param name="OwnerEmail">Email of the account that created it.</param>
/// <param name="Name">The declared <c>file_name</c>.</param>
/// <param name="UseCase"><c>multimodal</c>, <c>my_files</c> or <c>ace_upload</c>.</param>
/// <param name="MimeType">The declared type, else the blob PUT's <c>Content-Type</c>.</param>
/// <param name="Bytes">What the blob PUT stored; null before it.</param>
/// <param name="Confirmed">Whether <c>/uploaded</c> confirmed it.</param>
public sealed record SimFile(string Id, string? OwnerEmail, string Name, string UseCase, string? MimeType, byte[]? Bytes, bool Confirmed);
