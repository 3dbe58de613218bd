namespace MirrorGate.Api.Speech;

/// <summary>
/// Voices and formats of <c>/v1/audio/speech</c> (research §7, the same table in Aurora and xqdoo00o's gateway): OpenAI's
/// voice names map to ChatGPT's, ChatGPT's own nine names (chatgpt-gateway's form) pass as they are, and any other name
/// becomes <c>cove</c>, as Aurora does. Formats: <c>mp3</c>, <c>opus</c> and <c>aac</c> go upstream as asked; <c>flac</c>,
/// <c>wav</c> and <c>pcm</c> fall back to <c>aac</c> (the upstream serves only the first three); none asked is <c>aac</c>,
/// Aurora's default (OpenAI's own default is <c>mp3</c>).
/// </summary>
public static class SpeechVoices
{
    public const string DefaultVoice = "cove";
    public const string DefaultFormat = "aac";

    private static readonly Dictionary<string, string> OpenAiToChatGpt = new(StringComparer.OrdinalIgnoreCase)
    {
        ["alloy"] = "cove",
        ["ash"] = "fathom",
        ["coral"] = "vale",
        ["echo"] = "ember",
        ["fable"] = "breeze",
        ["onyx"] = "orbit",
        ["nova"] = "maple",
        ["sage"] = "glimmer",
        ["shimmer"] = "juniper",
    };

    private static readonly HashSet<string> ChatGptVoices = new(StringComparer.OrdinalIgnoreCase)
    {
        "cove", "orbit", "breeze", "fathom", "glimmer", "vale", "juniper", "ember", "maple",
    };

    /// <summary>Every format a client may ask for; the ones the upstream does not serve fall back.</summary>
    public static readonly IReadOnlyList<string> Formats = ["mp3", "opus", "aac", "flac", "wav", "pcm"];

    public static string ToChatGpt(string voice) =>
        OpenAiToChatGpt.TryGetValue(voice, out var mapped) ? mapped
        : ChatGptVoices.Contains(voice) ? voice.ToLowerInvariant()
        : DefaultVoice;

    /// <summary>The upstream format for a requested one; null for a name that is no format at all.</summary>
    public static string? UpstreamFormat(string? requested) => requested?.ToLowerInvariant() switch
    {
        null or "" => DefaultFormat,
        "mp3" or "opus" or "aac" => requested.ToLowerInvariant(),
        "flac" or "wav" or "pcm" => "aac",
        _ => null,
    };

    /// <summary>The media type of what the gateway answers, as Aurora names it.</summary>
    public static string ContentType(string upstreamFormat) => upstreamFormat switch
    {
        "mp3" => "audio/mpeg",
        "opus" => "audio/ogg",
        _ => "audio/aac",
    };
}
