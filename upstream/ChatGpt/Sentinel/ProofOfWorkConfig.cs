using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>
/// The browser-fingerprint array both sentinel tokens encode (research §3.5): 18 elements on the legacy flow,
/// 25 on the newest (seven "X in window" probes appended). Index 3 is the nonce and index 9 a per-try number;
/// every other element is fixed per request, so it is serialised once into the three segments around them.
/// </summary>
internal sealed class ProofOfWorkConfig
{
    // Longest invariant text of a long or a round-trip double, with room to spare.
    private const int MaxNumberLength = 32;

    private static readonly int[] ScreenSums = [3000, 3120, 4000, 4160];
    private static readonly int[] CoreCounts = [8, 12, 16];

    // Uncertain (research §3.5): the newest probes' meanings and the values the server expects are unknown;
    // AUR sends a fixed pattern of 0/1 flags, so do we.
    private static readonly object[] WindowProbes = [0, 1, 1, 0, 1, 0, 1];

    private ProofOfWorkConfig(byte[] head, byte[] middle, byte[] tail)
    {
        Head = head;
        Middle = middle;
        Tail = tail;
    }

    /// <summary><c>[e0,e1,e2,</c>: everything before the nonce.</summary>
    public byte[] Head { get; }

    /// <summary><c>,e4,…,e8,</c>: between the nonce and element 9.</summary>
    public byte[] Middle { get; }

    /// <summary><c>,e10,…]</c>: everything after element 9.</summary>
    public byte[] Tail { get; }

    public static ProofOfWorkConfig Create(ProofOfWorkConfigInput input)
    {
        var now = input.UtcNow;
        var cores = CoreCounts[Random.Shared.Next(CoreCounts.Length)];
        var performanceNow = Math.Round(1_000 + (Random.Shared.NextDouble() * 30_000), 1);
        var timeOrigin = Math.Round(now.ToUnixTimeMilliseconds() - performanceNow, 1);
        object?[] tail =
        [
            "hardwareConcurrency\u2212" + cores.ToString(CultureInfo.InvariantCulture),
            "location",
            "ondragend",
            performanceNow,
            // Index 14 must be a non-empty device UUID on the newest flow ("otherwise the server routes to the
            // mini pool", AUR); the legacy flow puts a session UUID there, and the device id serves.
            input.DeviceId,
            string.Empty,
            cores,
            timeOrigin,
        ];

        return new ProofOfWorkConfig(
            Segment("[", [ScreenSums[Random.Shared.Next(ScreenSums.Length)], JavaScriptDate(now), 4294705152L], ","),
            Segment(",", [input.UserAgent, input.ScriptUrl, input.BuildId, "en-US", "en-US,en"], ","),
            Segment(",", input.WithWindowProbes ? [.. tail, .. WindowProbes] : tail, "]"));
    }

    /// <summary>Bytes a <see cref="Write"/> destination needs at most.</summary>
    public int MaxJsonLength => Head.Length + Middle.Length + Tail.Length + (2 * MaxNumberLength);

    /// <summary>Writes the whole array as UTF-8 JSON with the given nonce (index 3) and index-9 number; returns its length.</summary>
    public int Write(Span<byte> destination, long nonce, double element9)
    {
        var start = destination.Length;
        Head.CopyTo(destination);
        destination = destination[Head.Length..];
        nonce.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        destination = destination[written..];
        Middle.CopyTo(destination);
        destination = destination[Middle.Length..];
        element9.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
        destination = destination[written..];
        Tail.CopyTo(destination);
        return start - destination.Length + Tail.Length;
    }

    /// <summary>JavaScript <c>Date.prototype.toString()</c> in UTC.</summary>
    internal static string JavaScriptDate(DateTimeOffset utcNow) =>
        utcNow.UtcDateTime.ToString("ddd MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture)
        + " GMT+0000 (Coordinated Universal Time)";

    private static byte[] Segment(string open, object?[] elements, string close)
    {
        var builder = new StringBuilder(open);
        for (var i = 0; i < elements.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            AppendJson(builder, elements[i]);
        }

        builder.Append(close);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void AppendJson(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string text:
                // Like the Python gateways' ensure_ascii=False: non-ASCII (the U+2212 minus) stays raw UTF-8.
                builder.Append('"').Append(JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).Append('"');
                break;
            case double number:
                builder.Append(number.ToString("R", CultureInfo.InvariantCulture));
                break;
            case IFormattable number:
                builder.Append(number.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                throw new ArgumentException($"Unsupported config element {value.GetType()}.", nameof(value));
        }
    }
}
