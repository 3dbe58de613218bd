namespace MirrorGate.UpstreamSim.Speech;

/// <summary>
/// What <c>/backend-api/synthesize</c> serves. The web client and the public gateways ask for <c>mp3</c>, <c>opus</c> and
/// <c>aac</c> only (research §7); whether the real backend refuses other formats, and how, is not captured, so this
/// simulator answers them with a 400 that makes a gateway sending one fail loudly. The voices are ChatGPT's nine.
/// </summary>
internal static class SpeechFormats
{
    public static readonly IReadOnlySet<string> Voices = new HashSet<string>(StringComparer.Ordinal)
    {
        "cove", "orbit", "breeze", "fathom", "glimmer", "vale", "juniper", "ember", "maple",
    };

    public static string? ContentType(string format) => format switch
    {
        "mp3" => "audio/mpeg",
        "opus" => "audio/ogg",
        "aac" => "audio/aac",
        _ => null,
    };

    /// <summary>
    /// Not real audio: the format's magic bytes (an ID3 tag, an Ogg page, an ADTS frame header), then a readable line
    /// naming the voice, the format and the text, so tests can see what was asked for.
    /// </summary>
    public static byte[] FakeAudio(string format, string voice, string text)
    {
        byte[] magic = format switch
        {
            "mp3" => [(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0, 0, 0, 0],
            "opus" => [(byte)'O', (byte)'g', (byte)'g', (byte)'S', 0, 2],
            _ => [0xFF, 0xF1, 0x50, 0x80],
        };
        var payload = System.Text.Encoding.UTF8.GetBytes($"\nMGSIM voice={voice} format={format}\n{text}");
        return [.. magic, .. payload];
    }
}
