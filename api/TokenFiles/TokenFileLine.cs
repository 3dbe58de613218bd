namespace MirrorGate.Api.TokenFiles;

/// <summary>One account line of a token file: the token, and the Team workspace when the line names one.</summary>
/// <param name="LineNumber">1-based, for logs: the token itself is never logged.</param>
internal sealed record TokenFileLine(int LineNumber, string Token, string? TeamAccountId)
{
    /// <summary>
    /// Aurora's format: one token per line, blank and <c>#</c> lines ignored, an optional <c>:&lt;team id&gt;</c>
    /// suffix. The suffix is split off at the last <c>:</c> only when what follows is a hyphenated GUID (a ChatGPT workspace id
    /// is one). None of the tokens contains a <c>:</c> — access tokens are JWTs and session tokens JWEs, both
    /// base64url segments joined by dots, and refresh tokens are opaque base64url-style strings — so a line with a
    /// <c>:</c> but no GUID after it is kept whole and left to the upstream to refuse, rather than guessed at.
    /// </summary>
    public static IReadOnlyList<TokenFileLine> Parse(IEnumerable<string> lines)
    {
        var parsed = new List<TokenFileLine>();
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.LastIndexOf(':');
            parsed.Add(colon > 0 && Guid.TryParseExact(line.AsSpan(colon + 1).Trim(), "D", out _)
                ? new TokenFileLine(number, line[..colon].TrimEnd(), line[(colon + 1)..].Trim())
                : new TokenFileLine(number, line, null));
        }

        return parsed;
    }
}
