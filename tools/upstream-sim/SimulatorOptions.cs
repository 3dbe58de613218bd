namespace MirrorGate.UpstreamSim;

/// <summary>Switches of the simulator. Every settable property may be changed while it runs;
/// requests read them when they arrive.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Each refresh consumes the refresh token and returns a new one; reusing a consumed token
    /// revokes the whole family. Whether the real iOS client id rotates is uncertain (research §1.2).</summary>
    public bool RotateRefreshTokens { get; set; } = true;

    /// <summary>Each successful <c>/api/auth/session</c> consumes the session cookie (research §1.3).</summary>
    public bool RotateSessionTokens { get; set; } = true;

    /// <summary>Sentinel answers ask for proof of work and the conversation POST checks it. A sentinel token
    /// keeps the requirement (and hash) it was issued with, so a handshake in flight is not broken by a change.</summary>
    public bool RequireProofOfWork { get; set; } = true;

    /// <summary>Difficulty issued with every seed; shorter or smaller is harder.</summary>
    public string PowDifficulty { get; set; } = "0fffff";

    /// <summary>Hash wanted on <c>chat-requirements/prepare</c> + <c>finalize</c>.</summary>
    public PowHash NewestPowHash { get; set; } = PowHash.Fnv1a;

    /// <summary>Hash wanted on the legacy <c>chat-requirements</c>.</summary>
    public PowHash LegacyPowHash { get; set; } = PowHash.Sha3_512;

    /// <summary>Number of text deltas a reply is streamed in.</summary>
    public int ReplyChunks { get; set; } = 5;

    /// <summary>Wait before every text chunk of every stream.</summary>
    public TimeSpan ChunkDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Lifetime of access tokens of accounts that were added without their own.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromDays(10);

    /// <summary>Lifetime of chat-requirements tokens and of prepare tokens; <c>expire_after</c> 540 in captures.</summary>
    public TimeSpan SentinelTokenLifetime { get; set; } = TimeSpan.FromSeconds(540);

    /// <summary>Lifetime of conduit tokens (≈60 s in the HAR capture).</summary>
    public TimeSpan ConduitTokenLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>When false, anonymous sentinel calls answer <c>force_login:true</c> and anonymous chat fails.</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>
    /// Where an image-tool turn (<c>system_hints: ["picture_v2"]</c>) shows its image: 0 (default) in the stream, as a tool
    /// message before the closing assistant text; n &gt; 0 not in the stream but in the conversation, from the n-th
    /// <c>GET /backend-api/conversation/{id}</c> on (the case AUR and BK poll for, research §6.2).
    /// </summary>
    public int ImageReadyAfterReads { get; set; }

    /// <summary>Clock of every expiry the simulator issues or checks. Fixed once the simulator starts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where an in-process simulator logs; null keeps it quiet. The standalone program logs to the console.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
