using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.GrainInterfaces.Dapi;

/// <summary>
/// A downstream app and its API key (the original's <c>downapp</c> and <c>downapikey</c> rows, research D.3), as its
/// owner sees it. The secret key and the API key are <see cref="Secret"/>s: encrypted at rest, printed as <c>***</c>;
/// <c>get_apikey</c> shows them to the owner again, and the <c>Deerer</c> scheme needs the secret key in clear.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.DownApp")]
public sealed record DownApp(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] Secret SecretKey,
    [property: Id(4)] ImmutableArray<string> AllowedIps,
    [property: Id(5)] string OrgId,
    [property: Id(6)] string UserId,
    [property: Id(7)] string ApiKeyId,
    [property: Id(8)] Secret ApiKey,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset? ExpiresAt);

/// <summary>A line of a user's app list (<c>downapps.dspy</c>).</summary>
[GenerateSerializer, Immutable, Alias("mg.DownAppEntry")]
public sealed record DownAppEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string ApiKeyId,
    [property: Id(3)] DateTimeOffset CreatedAt);

/// <summary>
/// What an API key stands for, stored under the key's lookup hash: the user and org it logs in as, its app, and the
/// app's address allow-list (empty: any address). No secret.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.DownApiKeyBinding")]
public sealed record DownApiKeyBinding(
    [property: Id(0)] string AppId,
    [property: Id(1)] string ApiKeyId,
    [property: Id(2)] string UserId,
    [property: Id(3)] string OrgId,
    [property: Id(4)] string Username,
    [property: Id(5)] ImmutableArray<string> AllowedIps,
    [property: Id(6)] DateTimeOffset? ExpiresAt);
