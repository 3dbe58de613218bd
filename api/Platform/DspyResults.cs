namespace MirrorGate.Api.Platform;

/// <summary>
/// The 元境 platform's answers (seed <c>003</c>, research "Seed D", D.2): every <c>*.dspy</c> route answers HTTP 200,
/// and the outcome lives in the body's <c>status</c> — <c>ok</c>, <c>error</c> (with <c>data.message</c>) or
/// <c>choose</c> (phone login with several accounts). The original's clients read the body, never the status, so
/// even a failure stays 200; only an unreadable transport-level request keeps its own status.
/// </summary>
public static class DspyResults
{
    public static IResult Ok(object? data) => Results.Json(new DspyAnswer("ok", data));

    /// <summary><c>{"status":"ok"}</c> with no <c>data</c>, as <c>apply_apikey</c> documents.</summary>
    public static IResult Ok() => Results.Json(new DspyBare("ok"));

    public static IResult Error(string message) => Results.Json(new DspyAnswer("error", new DspyMessage(message)));

    /// <summary>An error that also carries fields (<c>gen_sms_code</c>'s error returns the <c>key</c> too).</summary>
    public static IResult Error(IReadOnlyDictionary<string, object?> data) => Results.Json(new DspyAnswer("error", data));

    public static IResult Choose(object data) => Results.Json(new DspyAnswer("choose", data));

    /// <summary>A page as sqlor answers it: <c>{"total":N,"rows":[…]}</c> under <c>data</c>.</summary>
    public static IResult Page<T>(long total, IReadOnlyList<T> rows) => Ok(new DspyPage<T>(total, rows));

    private sealed record DspyAnswer(string status, object? data);

    private sealed record DspyBare(string status);

    private sealed record DspyMessage(string message);

    private sealed record DspyPage<T>(long total, IReadOnlyList<T> rows);
}
