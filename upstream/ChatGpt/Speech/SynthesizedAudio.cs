namespace MirrorGate.Upstream.ChatGpt.Speech;

/// <summary>Audio the upstream produced: the bytes and the media type it named.</summary>
public sealed record SynthesizedAudio(byte[] Audio, string? ContentType)
{
    /// <summary>The bytes stay out of logs.</summary>
    public override string ToString() => $"SynthesizedAudio {{ Bytes = {Audio.Length}, ContentType = {ContentType} }}";
}
