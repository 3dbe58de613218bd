using System.Text.Json;
using System.Text.Json.Serialization;
using MirrorGate.Silo.Secrets;

namespace MirrorGate.Silo.Storage;

/// <summary>
/// Turns grain state records into stored bytes (JSON). Fields of type <see cref="Secret"/> are
/// encrypted on the way out and decrypted on the way in, so tokens are never stored in clear.
/// </summary>
public sealed class GrainStateSerializer
{
    private readonly JsonSerializerOptions _options;

    public GrainStateSerializer(SecretProtector protector)
    {
        _options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        _options.Converters.Add(new JsonStringEnumConverter());
        _options.Converters.Add(new SecretJsonConverter(protector));
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    public byte[] Serialize<TState>(TState state) => JsonSerializer.SerializeToUtf8Bytes(state, _options);

    public TState Deserialize<TState>(ReadOnlySpan<byte> payload) =>
        JsonSerializer.Deserialize<TState>(payload, _options) ?? throw new JsonException($"Stored {typeof(TState).Name} is null.");
}
