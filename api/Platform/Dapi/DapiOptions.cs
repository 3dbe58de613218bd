namespace MirrorGate.Api.Platform.Dapi;

/// <summary>Downstream API keys (configuration section <c>Dapi</c>).</summary>
public sealed class DapiOptions
{
    public const string SectionName = "Dapi";

    /// <summary>
    /// How far a <c>Deerer</c> value's timestamp may be from now. The original checks no time at all, so a captured
    /// header works forever; research D.7 recommends an optional window (e.g. 5 minutes). Null keeps the original's
    /// behaviour, for clients whose clocks are off.
    /// </summary>
    /// <value>Null (off) by default.</value>
    public TimeSpan? DeererWindow { get; set; }
}
