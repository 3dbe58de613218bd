using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.Silo.Storage;

internal sealed class PersistentState<TState>(IGrainStorage storage, GrainStateSerializer serializer, GrainStateId id)
    : IPersistentState<TState>, IPersistentStateLoader
    where TState : class, new()
{
    public TState State { get; set; } = new();

    public bool RecordExists { get; private set; }

    public string StateName => id.StateName;

    public bool WriteFailed { get; private set; }

    public long? Version { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await storage.ReadAsync(id, cancellationToken);
        State = stored?.Payload is { } payload ? serializer.Deserialize<TState>(payload) : new TState();
        RecordExists = stored?.Payload is not null;
        Version = stored?.Version;
        WriteFailed = false;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        StorageWriteResult result;
        try
        {
            result = await storage.WriteAsync(id, serializer.Serialize(State), Version, cancellationToken);
        }
        catch
        {
            WriteFailed = true;
            throw;
        }

        if (!result.Succeeded)
        {
            WriteFailed = true;
            throw new InconsistentStateException(id.GrainType, id.Key, Version);
        }

        Version = result.Version;
        RecordExists = true;
        WriteFailed = false;
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        if (Version is { } version)
        {
            StorageWriteResult result;
            try
            {
                result = await storage.ClearAsync(id, version, cancellationToken);
            }
            catch
            {
                WriteFailed = true;
                throw;
            }

            if (!result.Succeeded)
            {
                WriteFailed = true;
                throw new InconsistentStateException(id.GrainType, id.Key, Version);
            }

            Version = result.Version;
        }

        State = new TState();
        RecordExists = false;
    }
}
