namespace MirrorGate.Upstream.ChatGpt.Streaming;

/// <summary>
/// Turns successive snapshots of messages into the gateway's events: ids as soon as known, only new visible
/// text, and one finish per visible assistant message. Shared by both stream formats.
/// </summary>
internal sealed class TurnTracker
{
    private string? _conversationId;
    private string? _assistantId;
    private int _emitted;
    private bool _assistantFinished;
    private string? _assistantStatus;
    private bool? _assistantEndTurn;

    /// <summary>True once a visible assistant message finished (the stream is then allowed to end).</summary>
    public bool TurnFinished { get; private set; }

    public void ObserveConversation(string? conversationId, List<ConversationEvent> output)
    {
        if (conversationId is { Length: > 0 } && _conversationId is null)
        {
            _conversationId = conversationId;
            output.Add(new ConversationIdentified(conversationId, _assistantId));
        }
    }

    public void ObserveMessage(in MessageSnapshot message, List<ConversationEvent> output)
    {
        if (!message.IsVisibleAssistant || message.Id is null)
        {
            return;
        }

        if (!string.Equals(message.Id, _assistantId, StringComparison.Ordinal))
        {
            _assistantId = message.Id;
            _emitted = 0;
            _assistantFinished = false;
            if (_conversationId is not null)
            {
                output.Add(new ConversationIdentified(_conversationId, _assistantId));
            }
        }

        // Text is assumed to grow at its end. An upstream rewrite of earlier text (a "replace" on the part)
        // cannot be taken back from the caller; we go on from the length already sent.
        if (message.ContentType == "text" && message.TextLength > _emitted)
        {
            output.Add(new AssistantTextDelta(message.TextFrom(_emitted)));
            _emitted = message.TextLength;
        }

        _assistantStatus = message.Status;
        _assistantEndTurn = message.EndTurn;
        // A finish with end_turn:false and type "stop" is an intermediate step (the model goes on after a tool);
        // any other finish type (max_tokens, interrupted…) ends what the caller will get.
        if (!_assistantFinished && message.FinishType is { } finishType
            && (message.EndTurn == true || finishType != "stop"))
        {
            Finish(finishType, output);
        }
    }

    /// <summary>
    /// At <c>message_stream_complete</c> or <c>[DONE]</c>: a visible message marked finished with end_turn but no
    /// <c>finish_details</c> still counts as a "stop".
    /// </summary>
    public void ObserveStreamEnd(List<ConversationEvent> output)
    {
        if (_assistantId is not null && !_assistantFinished
            && _assistantStatus == "finished_successfully" && _assistantEndTurn == true)
        {
            Finish("stop", output);
        }
    }

    private void Finish(string finishType, List<ConversationEvent> output)
    {
        _assistantFinished = true;
        TurnFinished = true;
        output.Add(new AssistantTurnFinished(finishType));
    }
}
