using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.UpstreamSim.Files;

/// <summary>
/// The files of every account, and the signatures of their blob URLs. A blob URL is an Azure-style SAS link
/// (<c>se</c> expiry, <c>sp</c> permissions, <c>sig</c>), checked here with a key of this simulator run, so a gateway
/// that rewrites or reuses one for another file fails as it would against the real blob store.
/// </summary>
internal sealed class FileStore(SimulatorOptions options)
{
    /// <summary>How long a blob URL is good for (the real SAS lifetime is not captured; a sim choice).</summary>
    public static readonly TimeSpan UrlLifetime = TimeSpan.FromMinutes(10);

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private readonly ConcurrentDictionary<string, SimFileRecord> _files = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public SimFileRecord Create(string ownerKey, string? ownerEmail, string name, long size, string useCase, string? mimeType)
    {
        // [LEGACY] ids are file-<base62>; newest captures also show file_<hex> (research §5). The legacy form is used.
        var id = "file-" + RandomNumberGenerator.GetString(Base62, 22);
        var record = new SimFileRecord(id, ownerKey, ownerEmail, name, size, useCase, mimeType);
        _files[id] = record;
        return record;
    }

    /// <summary>A file the backend made itself (an image of the image tool): stored and confirmed at once.</summary>
    public SimFileRecord CreateGenerated(string ownerKey, string? ownerEmail, string name, byte[] bytes, string mimeType)
    {
        // Newest captures name generated images file_<hex> behind sediment:// pointers (research §6.2).
        var id = "file_" + RandomNumberGenerator.GetHexString(32, lowercase: true);
        var record = new SimFileRecord(id, ownerKey, ownerEmail, name, bytes.LongLength, "multimodal", mimeType) { Bytes = bytes, Confirmed = true };
        _files[id] = record;
        return record;
    }

    public SimFileRecord? Find(string id) => _files.TryGetValue(id, out var record) ? record : null;

    /// <summary>A copy for tests; null when unknown.</summary>
    public SimFile? Snapshot(string id)
    {
        if (Find(id) is not { } record)
        {
            return null;
        }

        lock (record.Gate)
        {
            return new SimFile(record.Id, record.OwnerEmail, record.Name, record.UseCase, record.MimeType, record.Bytes, record.Confirmed);
        }
    }

    /// <summary>The file when <paramref name="ownerKey"/> owns it; null otherwise (the backend does not say which).</summary>
    public SimFileRecord? Find(string id, string ownerKey) => Find(id) is { } record && record.OwnerKey == ownerKey ? record : null;

    /// <summary>The SAS query for a blob URL: <c>sp=cw</c> to upload, <c>sp=r</c> to download.</summary>
    public string SignedQuery(string fileId, string permissions)
    {
        var expiry = options.TimeProvider.GetUtcNow().Add(UrlLifetime).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return $"se={Uri.EscapeDataString(expiry)}&sp={permissions}&sv=2020-04-08&sr=b&sig={Uri.EscapeDataString(Sign(fileId, permissions, expiry))}";
    }

    /// <summary>Whether the query's signature covers this file and permission and has not expired.</summary>
    public bool IsValid(string fileId, string permissions, string? expiry, string? signature)
    {
        if (expiry is null || signature is null || !DateTimeOffset.TryParse(expiry, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var until) || until < options.TimeProvider.GetUtcNow())
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(fileId, permissions, expiry)), Encoding.ASCII.GetBytes(signature));
    }

    private string Sign(string fileId, string permissions, string expiry) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{fileId}\n{permissions}\n{expiry}")));
}
