namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>JSON Pointer (RFC 6901) paths as the "v1" patches use them: <c>""</c> is the root, <c>/message/content/parts/0</c>.</summary>
internal static class DeltaPointer
{
    public static string[] Parse(string pointer)
    {
        if (pointer.Length == 0 || pointer == "/")
        {
            return [];
        }

        var tokens = pointer.Split('/');
        // A pointer starts with "/", so the first token is empty; tolerate one that does not.
        var start = tokens[0].Length == 0 ? 1 : 0;
        var result = new string[tokens.Length - start];
        for (var i = start; i < tokens.Length; i++)
        {
            var token = tokens[i];
            result[i - start] = token.Contains('~', StringComparison.Ordinal)
                ? token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)
                : token;
        }

        return result;
    }

    /// <summary>An array index, or the array's length for <c>-</c> (RFC 6902's "end of array").</summary>
    public static bool TryIndex(string token, int count, out int index)
    {
        if (token == "-")
        {
            index = count;
            return true;
        }

        return int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }
}
