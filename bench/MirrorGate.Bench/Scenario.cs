namespace MirrorGate.Bench;

/// <summary>One kind of chat turn: answered whole or streamed, kept upstream or temporary (<c>hatd</c>).</summary>
internal sealed record Scenario(string Name, bool Stream, bool Temporary)
{
    public static Scenario NonStream { get; } = new("non-stream", Stream: false, Temporary: false);

    public static Scenario Streamed { get; } = new("stream", Stream: true, Temporary: false);

    public static Scenario NonStreamTemporary { get; } = new("non-stream, hatd", Stream: false, Temporary: true);

    public static Scenario StreamTemporary { get; } = new("stream, hatd", Stream: true, Temporary: true);

    /// <summary>Not a chat turn: <c>GET /ping</c>, the floor of any HTTP front end.</summary>
    public static Scenario Ping { get; } = new("GET /ping", Stream: false, Temporary: false);

    /// <summary>The user prompt of every turn: long enough that each of 20 chunks carries about ten characters.</summary>
    public const string Prompt =
        "Summarise in two sentences why connection pooling matters for a gateway that forwards chat turns to an upstream service, and name one risk it brings.";

    /// <summary>The simulator's deterministic answer to <see cref="Prompt"/> on a new conversation.</summary>
    public static string ExpectedReply { get; } = UpstreamSim.SimReplies.For(Prompt, 1);
}
