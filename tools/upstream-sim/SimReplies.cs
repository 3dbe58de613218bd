using System.Globalization;

namespace MirrorGate.UpstreamSim;

/// <summary>The simulator's deterministic answers, public so tests can assert exact text.</summary>
public static class SimReplies
{
    /// <summary>The reply to <paramref name="prompt"/> (the last user message's text parts concatenated)
    /// at user turn <paramref name="turn"/> (1-based, counting the user messages on the conversation's
    /// branch including this one).</summary>
    public static string For(string prompt, int turn) => $"Echo #{turn}: {prompt}";

    /// <summary>
    /// What the reply adds for files the turn's messages refer to, so a test sees that the file reached the turn on the
    /// account that holds it: <c> [file: name, size bytes, type]</c> for each, in order.
    /// </summary>
    public static string Files(IEnumerable<(string Name, long Size, string? MimeType)> files) =>
        string.Concat(files.Select(f => $" [file: {f.Name}, {f.Size} bytes, {f.MimeType ?? "unknown"}]"));

    /// <summary>The assistant text that closes an image-tool turn.</summary>
    public static string ImageCaption(string prompt) => "Here is the image you asked for: " + prompt;

    /// <summary>
    /// The bytes of an image the image tool makes: the PNG signature, then <c>MGSIM image</c> and the prompt as UTF-8
    /// lines (not a decodable picture; a test reads the prompt back).
    /// </summary>
    public static byte[] Image(string prompt) =>
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. System.Text.Encoding.UTF8.GetBytes("MGSIM image\n" + prompt)];

    /// <summary>Splits <paramref name="reply"/> into <paramref name="count"/> nearly equal non-empty pieces
    /// (fewer when the reply has fewer characters). Never splits a surrogate pair or combining sequence,
    /// so every piece is valid text on its own.</summary>
    public static IReadOnlyList<string> Chunks(string reply, int count)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (reply.Length == 0)
        {
            return [];
        }

        var starts = StringInfo.ParseCombiningCharacters(reply);
        var elements = starts.Length;
        var pieces = Math.Min(count, elements);
        var size = elements / pieces;
        var larger = elements % pieces;
        var result = new List<string>(pieces);
        var element = 0;
        for (var i = 0; i < pieces; i++)
        {
            var take = size + (i < larger ? 1 : 0);
            var from = starts[element];
            element += take;
            var to = element < elements ? starts[element] : reply.Length;
            result.Add(reply[from..to]);
        }

        return result;
    }
}
