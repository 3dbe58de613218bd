using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Auth;

/// <summary>Reads one base64url segment of a compact JWT/JWE as JSON, without verifying anything.</summary>
internal static class JwtSegment
{
    // Access-token payloads are around 1–2 KB; anything far larger is not a token we issue or accept.
    private const int MaxSegmentChars = 16 * 1024;

    public static bool TryParse(ReadOnlySpan<char> segment, out JsonDocument? document)
    {
        document = null;
        if (segment.IsEmpty || segment.Length > MaxSegmentChars)
        {
            return false;
        }

        // A fresh array, not a pooled one: JsonDocument.Parse(ReadOnlyMemory) reads the bytes for the
        // document's whole life without copying them, so they must not go back to a pool while it lives.
        var decoded = new byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        try
        {
            // The OperationStatus form reports bad input instead of throwing, unlike TryDecodeFromChars.
            if (Base64Url.DecodeFromChars(segment, decoded, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            document = JsonDocument.Parse(decoded.AsMemory(0, written));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                document = null;
                return false;
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Returns the <paramref name="index"/>-th dot-separated segment, or an empty span.</summary>
    public static ReadOnlySpan<char> Segment(ReadOnlySpan<char> token, int index)
    {
        for (var i = 0; i < index; i++)
        {
            var dot = token.IndexOf('.');
            if (dot < 0)
            {
                return [];
            }

            token = token[(dot + 1)..];
        }

        var end = token.IndexOf('.');
        return end < 0 ? token : token[..end];
    }
}
