using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.Silo.Storage;

internal sealed class PersistentState<TState>(IGrainStorage storage, GrainStateSerializer serializer, GrainStateId id)
    : IPersistentState<TState>, IPersistentStateLoader
    where TState : class, new()
{
    public TState State { get; set; } = new();

    public bool RecordExists { get; private set; }

    public string StateName => id.StateName;

    public long? Version { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await storage.ReadAsync(id, cancellationToken);
        State = stored?.Payload is { } payload ? serializer.Deserialize<TState>(payload) : new TState();
        RecordExists = stored?.Payload is not null;
        Version = stored?.Version;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var payload = serializer.Serialize(State);
        var result = await storage.WriteAsync(id, payload, Version, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InconsistentStateException(id.GrainType, id.Key, Version);
        }

        Version = result.Version;
        RecordExists = true;
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        if (Version is { } version)
        {
            var result = await storage.ClearAsync(id, version, cancellationToken);
            if (!result.Succeeded)
            {
                throw new InconsistentStateException(id.GrainType, id.Key, Version);
            }

            Version = result.Version;
        }

        State = new TState();
        RecordExists = false;
    }
}
