using System.Buffers;
using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>
/// Writes request bodies with <see cref="Utf8JsonWriter"/>: no reflection, no intermediate strings. The default
/// encoder escapes non-ASCII as <c>\uXXXX</c>, as the browser captures show.
/// </summary>
internal static class JsonBody
{
    public static ReadOnlyMemory<byte> Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Copies a caller-built node; <see langword="null"/> is JSON null.</summary>
    public static void WriteNode(Utf8JsonWriter writer, System.Text.Json.Nodes.JsonNode? node)
    {
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }
    }
}
