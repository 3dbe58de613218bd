using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Secrets;

namespace MirrorGate.Api.Images;

/// <summary>
/// The links of <c>response_format: url</c>: MirrorGate serves each image itself, never the upstream's URL (it needs the
/// account's bearer and expires; research §6.3). A link holds where the image lives upstream — the account, the asset
/// pointer, the conversation — so any node of a cluster can fetch it again through that account, and nothing is stored.
/// It is signed with the secrets key (<see cref="SecretProtector.Tag"/>, an HMAC over the id and the expiry) and expires
/// after <see cref="ImagesOptions.LinkLifetime"/>. An image made with a caller's own access token has no pooled account to
/// fetch it with: its link carries that token, encrypted with the secrets key (AES-GCM), and works while the token does.
/// </summary>
public sealed class ImageLinks(SecretProtector protector, IOptionsMonitor<ImagesOptions> options, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
{
    public const string PathSegment = "/images/content/";
    private const string Domain = "mirrorgate-image:";
    private const char Separator = '\n';
    private const int MaxIdLength = 8192;

    /// <summary>The path and query of a new link (under the OpenAI API's prefix) for one image.</summary>
    public string Create(string apiPrefix, ImageSource source)
    {
        var fields = string.Join(Separator, source.AccountId ?? string.Empty, source.AssetPointer, source.ConversationId ?? string.Empty,
            source.AccessToken is { } token ? protector.Protect(token) : string.Empty, source.TeamAccountId ?? string.Empty);
        var id = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(fields));
        var expires = (time.GetUtcNow() + options.CurrentValue.LinkLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{apiPrefix}{PathSegment}{id}?expires={expires}&sig={protector.Tag(Domain + id + Separator + expires)}";
    }

    /// <summary>The image a link names, or why it names none.</summary>
    public (ImageSource? Source, LinkProblem Problem) Read(string id, string? expires, string? signature)
    {
        if (id.Length > MaxIdLength || expires is null || signature is null
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var until)
            || !protector.VerifyTag(Domain + id + Separator + expires, signature))
        {
            return (null, LinkProblem.Unknown);
        }

        if (time.GetUtcNow().ToUnixTimeSeconds() >= until)
        {
            return (null, LinkProblem.Expired);
        }

        try
        {
            var f = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(id)).Split(Separator);
            return f.Length == 5
                ? (new ImageSource(f[0].Length > 0 ? f[0] : null, f[1], f[2].Length > 0 ? f[2] : null, f[3].Length > 0 ? protector.Unprotect(f[3]) : null, f[4].Length > 0 ? f[4] : null), LinkProblem.None)
                : (null, LinkProblem.Unknown);
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return (null, LinkProblem.Unknown);
        }
    }
}

/// <summary>Where an image lives upstream.</summary>
/// <param name="AccountId">The pooled account that made it; null when it was made with the caller's own token.</param>
/// <param name="AssetPointer">The image tool's <c>sediment://</c> or <c>file-service://</c> pointer.</param>
/// <param name="ConversationId">The conversation it was made in (the newest download route asks for it).</param>
/// <param name="AccessToken">The caller's own access token when there is no account; never logged.</param>
/// <param name="TeamAccountId">That token's workspace.</param>
public sealed record ImageSource(string? AccountId, string AssetPointer, string? ConversationId, string? AccessToken, string? TeamAccountId)
{
    public override string ToString() => $"ImageSource {{ AccountId = {AccountId}, AssetPointer = {AssetPointer}, ConversationId = {ConversationId} }}";
}

public enum LinkProblem
{
    None,

    /// <summary>Not a link this gateway made, or one that was edited.</summary>
    Unknown,

    /// <summary>A genuine link past its expiry.</summary>
    Expired,
}
