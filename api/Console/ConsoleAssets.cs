using System.Collections.Frozen;
using System.Security.Cryptography;

namespace MirrorGate.Api.Console;

/// <summary>
/// The console's files, embedded in this assembly (<c>Console/wwwroot/**</c>, logical names <c>console/…</c>) and read
/// once into memory, so <c>dotnet run</c>, the tests and a published build serve the same bytes with no folder beside
/// them. Each file has a strong ETag (a hash of its bytes) for cheap revalidation.
/// </summary>
public sealed class ConsoleAssets
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".json"] = "application/json",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, Asset> _files;

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            files[path] = new Asset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..20]}\"");
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public Asset? Find(string path) => _files.GetValueOrDefault(path);

    public sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
