namespace MirrorGate.Api.OpenAi;

/// <summary>One message of a chat completion request, with its content flattened to text.</summary>
public sealed record ChatMessage(string Role, string Text)
{
    /// <summary>Ids of uploaded files the message's content parts name (<see cref="Files.FileParts"/>), in order.</summary>
    public IReadOnlyList<string> FileIds { get; init; } = [];
}
