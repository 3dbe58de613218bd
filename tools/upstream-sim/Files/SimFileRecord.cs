namespace MirrorGate.UpstreamSim.Files;

/// <summary>
/// One file the simulated backend knows: declared by <c>POST /backend-api/files</c>, filled by the blob <c>PUT</c>,
/// and usable once <c>POST /files/{id}/uploaded</c> confirmed it (research §5). Mutable under its own lock.
/// </summary>
internal sealed class SimFileRecord(string id, string ownerKey, string? ownerEmail, string name, long declaredSize, string useCase, string? mimeType)
{
    public object Gate { get; } = new();

    public string Id { get; } = id;

    public string OwnerKey { get; } = ownerKey;

    public string? OwnerEmail { get; } = ownerEmail;

    public string Name { get; } = name;

    public long DeclaredSize { get; } = declaredSize;

    public string UseCase { get; } = useCase;

    /// <summary>The declared type, else the blob PUT's <c>Content-Type</c>.</summary>
    public string? MimeType { get; set; } = mimeType;

    /// <summary>The blob's bytes once PUT; null before.</summary>
    public byte[]? Bytes { get; set; }

    /// <summary>Whether <c>/uploaded</c> confirmed the file.</summary>
    public bool Confirmed { get; set; }
}
