namespace MirrorGate.UpstreamSim;

/// <summary>What an injected fault does to a conversation POST.</summary>
public enum SimFaultKind
{
    /// <summary>401 with the <c>token_expired</c> body although the bearer is valid.</summary>
    Unauthorized,

    /// <summary>429 <c>model_cap_exceeded</c> with <c>clears_in</c> = <see cref="SimFault.ClearsInSeconds"/>.</summary>
    RateLimited,

    /// <summary><see cref="SimFault.StatusCode"/> (500 when 0) with <c>{"detail":"Internal server error"}</c>.</summary>
    ServerError,

    /// <summary>The stream waits <see cref="SimFault.ChunkDelay"/> before each text chunk.</summary>
    SlowStream,

    /// <summary>The connection is aborted after <see cref="SimFault.AfterChunks"/> text chunks, without <c>[DONE]</c>.</summary>
    DropMidStream,
}
