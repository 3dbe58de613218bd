using System.Text.Json;
using System.Text.Json.Serialization;
using MirrorGate.Grains.Secrets;
using Orleans.Storage;

namespace MirrorGate.Silo.Storage;

/// <summary>
/// Grain state as stored: plain JSON (no type names, so a renamed class does not orphan its rows), with every
/// <see cref="GrainInterfaces.Secrets.Secret"/> encrypted on the way out and decrypted on the way in, so no token is
/// ever stored in clear.
/// </summary>
public sealed class ProtectedStateSerializer : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options;

    public ProtectedStateSerializer(SecretProtector protector)
    {
        _options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        _options.Converters.Add(new JsonStringEnumConverter());
        _options.Converters.Add(new SecretJsonConverter(protector));
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    public T? Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options) ?? throw new JsonException($"Stored {typeof(T).Name} is null.");
}
