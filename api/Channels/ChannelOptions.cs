namespace MirrorGate.Api.Channels;

/// <summary>How the gateway calls channels (configuration section <c>Channels</c>). Attempts and the default cool-down are the pool's (<c>Pool</c>).</summary>
public sealed class ChannelOptions
{
    public const string SectionName = "Channels";

    /// <summary>Time to open a connection to a channel's upstream; past it, the next key is tried.</summary>
    /// <value>10 seconds by default.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time from sending a request to the upstream's response headers; past it, the next key is tried. The body then streams without a limit.</summary>
    /// <value>120 seconds by default (a whole, non-streamed answer of a large model can take that long).</value>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(120);
}
