using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Conversations;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Tokens;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Imports;

/// <summary>
/// Stores conversations an operator imports for a user, named by one of the user's activation codes: given whole
/// (<c>importConversationBySelf</c>) or fetched from the upstream with the original account's access token
/// (<c>importConversationByWeb</c>). Each item stands alone: one that fails is reported and the others are kept.
/// </summary>
public sealed partial class ConversationImporter(
    IGrainFactory grains,
    IChatGptClient upstream,
    UserTokens tokens,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<ConversationImporter> logger)
{
    /// <summary>How many conversations of one import are fetched from the upstream at once.</summary>
    private const int FetchConcurrency = 4;

    /// <summary>The user an activation code belongs to, or null for an unknown, revoked or other kind of token.</summary>
    public async Task<string?> FindUserAsync(string activationCode) =>
        activationCode.Length is > 0 and <= 512
        && await grains.GetGrain<ITokenGrain>(tokens.IndexKey(activationCode)).ResolveAsync() is { Kind: UserTokenKind.ActivationCode } record
            ? record.UserName
            : null;

    public async Task<ImportItemResult> StoreAsync(string userName, int index, JsonNode? item)
    {
        var (conversation, problem) = ConversationPayload.Read(item, time.GetUtcNow());
        if (conversation is null)
        {
            return ImportItemResult.Failed(index, null, problem!);
        }

        await SaveAsync(userName, conversation);
        return ImportItemResult.Imported(index, conversation.Summary.ConversationId);
    }

    public async Task<IReadOnlyList<ImportItemResult>> FetchAndStoreAsync(string userName, IReadOnlyList<WebImportItem> items, CancellationToken cancellationToken)
    {
        var results = new ImportItemResult[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = FetchConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await FetchOneAsync(userName, i, items[i], ct));
        return results;
    }

    private async Task<ImportItemResult> FetchOneAsync(string userName, int index, WebImportItem item, CancellationToken cancellationToken)
    {
        if (item.Problem is { } problem)
        {
            return ImportItemResult.Failed(index, item.ConversationId, problem);
        }

        // The original account's token is used for this one read and never stored or logged.
        var credential = new UpstreamCredential("import:" + index, item.AccessToken, Guid.NewGuid().ToString(), item.AccountId);
        var read = await upstream.GetConversationAsync(credential, item.ConversationId!, cancellationToken);
        if (!read.IsSuccess)
        {
            LogFetchFailed(logger, userName, item.ConversationId!, read.Failure!.Kind);
            return ImportItemResult.Failed(index, item.ConversationId, read.Failure.Kind switch
            {
                UpstreamFailureKind.Unauthorized => "the upstream refused the access token (expired or revoked)",
                UpstreamFailureKind.Forbidden => "the upstream refused access (wrong gpt_account_id, or the account cannot read it)",
                UpstreamFailureKind.NotFound => "the upstream does not know this conversation on that account",
                _ => "the upstream could not be read: " + read.Failure.Message,
            });
        }

        var payload = read.Value!;
        payload["conversation_id"] ??= item.ConversationId;
        var (conversation, problem2) = ConversationPayload.Read(payload, time.GetUtcNow());
        if (conversation is null)
        {
            return ImportItemResult.Failed(index, item.ConversationId, "the upstream's answer is not a conversation: " + problem2);
        }

        await SaveAsync(userName, conversation);
        return ImportItemResult.Imported(index, conversation.Summary.ConversationId);
    }

    /// <summary>The conversation first, then its line in the list: a failure between them leaves it unlisted until imported again, never listed and missing.</summary>
    private async Task SaveAsync(string userName, ImportedConversation conversation)
    {
        await grains.GetGrain<IImportedConversationGrain>(ImportedConversationKey.For(userName, conversation.Summary.ConversationId)).StoreAsync(conversation);
        await grains.GetGrain<IConversationListGrain>(userName).AddAsync(conversation.Summary);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Importing conversation {ConversationId} for user {UserName} failed upstream ({Failure})")]
    private static partial void LogFetchFailed(ILogger logger, string userName, string conversationId, UpstreamFailureKind failure);
}

/// <summary>One <c>importConversationByWeb</c> item, or why it cannot be used.</summary>
public sealed record WebImportItem(string? ConversationId, string? AccessToken, string? AccountId, string? Problem)
{
    /// <summary>Never the token.</summary>
    public override string ToString() => $"WebImportItem {{ ConversationId = {ConversationId}, Problem = {Problem} }}";
}

/// <summary>What became of one item of an import.</summary>
public sealed record ImportItemResult(int Index, string? ConversationId, string? Error)
{
    public bool Succeeded => Error is null;

    public static ImportItemResult Imported(int index, string conversationId) => new(index, conversationId, null);

    public static ImportItemResult Failed(int index, string? conversationId, string error) => new(index, conversationId, error);
}
