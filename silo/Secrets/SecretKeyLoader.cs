using System.Security.Cryptography;

namespace MirrorGate.Silo.Secrets;

/// <summary>Finds the secrets key: configured, or the node's key file, created on first start.</summary>
internal static class SecretKeyLoader
{
    public static byte[] Load(SecretsOptions options, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            return Convert.FromBase64String(options.Key);
        }

        var path = Path.Combine(dataDirectory, "secret.key");
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        Directory.CreateDirectory(dataDirectory);
        var key = RandomNumberGenerator.GetBytes(32);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, fileOptions);
            writer.Write(Convert.ToBase64String(key));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; use theirs.
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }
}
