using System.Collections.Concurrent;

namespace MirrorGate.UpstreamSim.Speech;

/// <summary>Conversations a client hid with <c>PATCH /backend-api/conversation/{id}</c> <c>{"is_visible":false}</c>.</summary>
internal sealed class HiddenConversations
{
    private readonly ConcurrentDictionary<string, bool> _hidden = new(StringComparer.Ordinal);

    public void Set(string conversationId, bool visible)
    {
        if (visible)
        {
            _hidden.TryRemove(conversationId, out _);
        }
        else
        {
            _hidden[conversationId] = true;
        }
    }

    public bool IsHidden(string conversationId) => _hidden.ContainsKey(conversationId);

    public IReadOnlyList<string> All() => [.. _hidden.Keys];
}
