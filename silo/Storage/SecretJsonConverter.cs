using System.Text.Json;
using System.Text.Json.Serialization;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Secrets;

namespace MirrorGate.Silo.Storage;

/// <summary>Writes a <see cref="Secret"/> as its encrypted form and reads it back.</summary>
internal sealed class SecretJsonConverter(SecretProtector protector) : JsonConverter<Secret>
{
    public override Secret Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(protector.Unprotect(reader.GetString() ?? throw new JsonException("A stored secret is null.")));

    public override void Write(Utf8JsonWriter writer, Secret value, JsonSerializerOptions options) =>
        writer.WriteStringValue(protector.Protect(value.Value));
}
