namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// The next-auth session cookie, and reading its rotated value from <c>Set-Cookie</c>. Large values arrive split
/// as <c>__Secure-next-auth.session-token.0</c>, <c>.1</c>… (AUR checks <c>.0</c>); the chunks are joined in order.
/// </summary>
internal static class SessionCookie
{
    public const string Name = "__Secure-next-auth.session-token";

    public static string? FindRotated(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            return null;
        }

        string? whole = null;
        SortedDictionary<int, string>? chunks = null;
        foreach (var cookie in cookies)
        {
            var end = cookie.IndexOf(';', StringComparison.Ordinal);
            var pair = end < 0 ? cookie : cookie[..end];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = pair[..equals].Trim();
            var value = pair[(equals + 1)..].Trim();
            if (value.Length == 0)
            {
                // An empty value is a deletion (e.g. of the unsplit name when the server switches to chunks).
                continue;
            }

            if (name == Name)
            {
                whole = value;
            }
            else if (name.StartsWith(Name + ".", StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(Name.Length + 1), out var index))
            {
                (chunks ??= [])[index] = value;
            }
        }

        return whole ?? (chunks is null ? null : string.Concat(chunks.Values));
    }
}
