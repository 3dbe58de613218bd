namespace MirrorGate.OpenAiSim;

/// <summary>Switches of the OpenAI-compatible simulator; every property may change while it runs (requests read them when they arrive).</summary>
public sealed class OpenAiSimOptions
{
    /// <summary>Number of text deltas a reply is streamed in (and of words in a whole reply).</summary>
    public int ReplyChunks { get; set; } = 5;

    /// <summary>Reported <c>prompt_tokens</c> / <c>input_tokens</c>; null: one per four characters of the request's text, at least one.</summary>
    public int? PromptTokens { get; set; }

    /// <summary>Reported <c>completion_tokens</c> / <c>output_tokens</c>; null: one per reply chunk.</summary>
    public int? CompletionTokens { get; set; }

    /// <summary>Length of each embedding vector.</summary>
    public int EmbeddingDimensions { get; set; } = 8;

    /// <summary>Models listed by <c>GET /v1/models</c>; any model name is served.</summary>
    public IList<string> Models { get; set; } = ["gpt-4o-mini", "text-embedding-3-small"];

    /// <summary>Accept any bearer, not only the keys added with <see cref="OpenAiSimulator.AddKey"/> (standalone runs).</summary>
    public bool AcceptAnyKey { get; set; }
}
