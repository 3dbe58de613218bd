namespace MirrorGate.GrainInterfaces.Conversations;

/// <summary>
/// A conversation an operator imported for one user (SoruxGPT's <c>importConversationBySelf</c> and
/// <c>importConversationByWeb</c>; key: <see cref="ImportedConversationKey.For"/>). It is served to that user as it was
/// imported; continuing it starts an upstream conversation that carries its history, to which later turns go.
/// </summary>
[Alias("mg.IImportedConversationGrain")]
public interface IImportedConversationGrain : IGrainWithStringKey
{
    /// <summary>Stores the conversation, replacing an earlier import of it (and forgetting where it was continued).</summary>
    Task StoreAsync(ImportedConversation conversation);

    /// <summary>The conversation, or null when nothing was imported under this key.</summary>
    Task<ImportedConversation?> GetAsync();

    /// <summary>Records the upstream conversation that continues this one; later turns go there.</summary>
    Task LinkAsync(string upstreamConversationId);
}

/// <summary>The key of a user's imported conversation: the same conversation imported for two users is two copies.</summary>
public static class ImportedConversationKey
{
    /// <summary>
    /// The user name comes first with its length, so no (user, id) pair can spell another's key: user names are the
    /// operator's (e-mail addresses, say) and ids come from requests, and a plain <c>id@user</c> would let user
    /// <c>corp</c> ask for id <c>x@bob</c> and read <c>bob@corp</c>'s conversation <c>x</c>.
    /// </summary>
    public static string For(string userName, string conversationId) => $"{userName.Length}:{userName}/{conversationId}";
}

/// <param name="PayloadJson">The conversation as <c>GET /backend-api/conversation/{id}</c> returns it.</param>
/// <param name="ContinuedAs">The upstream conversation that carries it on, once the user continued it.</param>
[GenerateSerializer, Immutable, Alias("mg.ImportedConversation")]
public sealed record ImportedConversation(
    [property: Id(0)] ConversationSummary Summary,
    [property: Id(1)] string PayloadJson,
    [property: Id(2)] string? ContinuedAs);

/// <summary>A line of a user's conversation list.</summary>
[GenerateSerializer, Immutable, Alias("mg.ConversationSummary")]
public sealed record ConversationSummary(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTimeOffset CreateTime,
    [property: Id(3)] DateTimeOffset UpdateTime);
