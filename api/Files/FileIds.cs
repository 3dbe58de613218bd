using System.Buffers.Text;
using System.Globalization;
using System.Text;
using MirrorGate.Grains.Secrets;

namespace MirrorGate.Api.Files;

/// <summary>
/// File ids carry their own record, as response ids do (no table): <c>file-</c>, a 22-character tag, then base64url of
/// the record's fields. The tag is the secrets key's HMAC over the rest (<see cref="SecretProtector.Tag"/>), so an id
/// the gateway did not issue, or one edited to name another account or file, reads as unknown. The upstream file id is
/// the secret part: whoever holds the id may use the file, on the account that holds it, as with OpenAI's own ids.
/// </summary>
public sealed class FileIds(SecretProtector protector)
{
    private const string Prefix = "file-";
    private const string Domain = "mirrorgate-file:";
    private const int TagLength = 22;
    private const int MaxLength = 1200;
    private const char Separator = '\n';

    public string Issue(FileRecord file)
    {
        var fields = string.Join(Separator,
            file.AccountId, file.UpstreamId, file.Size.ToString(CultureInfo.InvariantCulture), file.MimeType,
            file.Width?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, file.Height?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            file.CreatedAt.ToString(CultureInfo.InvariantCulture), file.Purpose, file.Name);
        var body = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(fields));
        return Prefix + protector.Tag(Domain + body) + body;
    }

    /// <summary>The record of an id this gateway issued; null for anything else (unknown, edited, garbled).</summary>
    public FileRecord? Read(string id)
    {
        if (!id.StartsWith(Prefix, StringComparison.Ordinal) || id.Length <= Prefix.Length + TagLength || id.Length > MaxLength)
        {
            return null;
        }

        var tag = id.AsSpan(Prefix.Length, TagLength);
        var body = id[(Prefix.Length + TagLength)..];
        if (!protector.VerifyTag(Domain + body, tag))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(body));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }

        // The name comes last and may itself hold the separator.
        var f = text.Split(Separator, 9);
        return f.Length == 9 && long.TryParse(f[2], CultureInfo.InvariantCulture, out var size) && long.TryParse(f[6], CultureInfo.InvariantCulture, out var created)
            ? new FileRecord(f[0], f[1], f[8], size, f[3], Int(f[4]), Int(f[5]), created, f[7])
            : null;
    }

    private static int? Int(string text) => int.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : null;
}
