using System.Text.Json.Nodes;
using MirrorGate.Api.Http;
using MirrorGate.Api.OpenAi;

namespace MirrorGate.Api.Speech;

/// <summary>
/// A validated speech request: OpenAI's JSON body (<c>model</c>, <c>input</c>, <c>voice</c>, <c>response_format</c>), or
/// chatgpt-gateway's form of the same call, which its document gives as a <c>GET</c> with <c>voice</c> and <c>input</c>
/// (read from the query). <c>speed</c> and <c>instructions</c> are accepted and not used: read-aloud has neither.
/// </summary>
/// <param name="Input">The text, at most <see cref="MaxInputLength"/> characters (OpenAI's limit).</param>
/// <param name="Voice">The ChatGPT voice to use.</param>
/// <param name="Format">The format asked of the upstream (<c>mp3</c>, <c>opus</c>, <c>aac</c>).</param>
public sealed record SpeechRequest(string Input, string Voice, string Format)
{
    public const int MaxInputLength = 4096;

    public static (SpeechRequest? Request, IResult? Error) FromJson(JsonObject body)
    {
        if (!JsonFields.TryString(body, "model", required: false, out _, out var error)
            || !JsonFields.TryString(body, "input", required: true, out var input, out error)
            || !JsonFields.TryString(body, "voice", required: false, out var voice, out error)
            || !JsonFields.TryString(body, "response_format", required: false, out var format, out error))
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, error, "invalid_request_error", ParamOf(error)));
        }

        return Validate(input!, voice, format);
    }

    public static (SpeechRequest? Request, IResult? Error) FromQuery(IQueryCollection query)
    {
        var input = query["input"].ToString();
        return input.Length == 0
            ? (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, "Missing required parameter: 'input'.", "invalid_request_error", "input"))
            : Validate(input, query["voice"].ToString(), query["response_format"].ToString());
    }

    private static (SpeechRequest?, IResult?) Validate(string input, string? voice, string? format)
    {
        if (input.Length > MaxInputLength)
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, $"Invalid 'input': string too long. Expected a string with maximum length {MaxInputLength}, but got a string with length {input.Length} instead.", "string_above_max_length", "input"));
        }

        if (SpeechVoices.UpstreamFormat(format) is not { } upstreamFormat)
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status400BadRequest, $"Invalid value for 'response_format': '{format}'. Supported values are: {string.Join(", ", SpeechVoices.Formats.Select(f => $"'{f}'"))}.", "invalid_value", "response_format"));
        }

        return (new SpeechRequest(input, SpeechVoices.ToChatGpt(voice is { Length: > 0 } v ? v : SpeechVoices.DefaultVoice), upstreamFormat), null);
    }

    private static string? ParamOf(string error)
    {
        var start = error.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : error.IndexOf('\'', start + 1);
        return end > start ? error[(start + 1)..end] : null;
    }
}
