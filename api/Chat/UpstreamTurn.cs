using MirrorGate.Api.Pool;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Chat;

/// <summary>An upstream answer that has started: its stream and the account slot it holds until disposed.</summary>
public sealed class UpstreamTurn(ConversationStream stream, AccountSlot? slot, string? accountId) : IAsyncDisposable
{
    public ConversationStream Stream { get; } = stream;

    /// <summary>The account that serves the turn; null for a caller's own raw credential.</summary>
    public string? AccountId { get; } = accountId;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        slot?.Dispose();
    }
}
