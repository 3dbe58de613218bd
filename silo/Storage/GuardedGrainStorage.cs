using MirrorGate.GrainInterfaces.Errors;
using Orleans.Storage;

namespace MirrorGate.Silo.Storage;

/// <summary>
/// Sits in front of Orleans' ADO.NET grain storage and does three things for every grain:
/// <list type="bullet">
/// <item>stores each state under a key that names its grain type (<c>account/x@y.z</c>): the provider's row
/// identity is (service, state name, key) without the type, and it reads a key of hex digits as a number, so
/// <c>abc</c> and <c>0abc</c> would share a row (research/orleans10.md §3.5); a key that starts with the type and a
/// slash is never a number and never another type's;</item>
/// <item>turns "the database cannot be reached" into <see cref="StorageUnavailableException"/>, which every front
/// end renders as a 503 in its API family's shape;</item>
/// <item>marks the activation whose write failed, so that <see cref="WriteFailureFilter"/> drops it after the call
/// and memory never runs ahead of the store.</item>
/// </list>
/// </summary>
public sealed class GuardedGrainStorage(IGrainStorage inner, StateStore store, IGrainContextAccessor contexts) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.ReadStateAsync(stateName, StorageId(grainId), grainState), write: false);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.WriteStateAsync(stateName, StorageId(grainId), grainState), write: true);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.ClearStateAsync(stateName, StorageId(grainId), grainState), write: true);

    /// <summary>The identity the state is stored under: the grain's own key prefixed with its type.</summary>
    public static GrainId StorageId(GrainId grainId) => GrainId.Create(grainId.Type, IdSpan.Create($"{grainId.Type}/{grainId.Key}"));

    private async Task GuardAsync(Func<Task> operation, bool write)
    {
        var gate = write ? store.WriterGate : null;
        try
        {
            if (gate is not null)
            {
                await gate.WaitAsync();
                try
                {
                    await operation();
                }
                finally
                {
                    gate.Release();
                }
            }
            else
            {
                await operation();
            }
        }
        catch (Exception ex)
        {
            if (write)
            {
                Mark(WriteFailure.Instance);
            }

            if (ex is not InconsistentStateException && store.IsUnavailable(ex))
            {
                throw new StorageUnavailableException($"The grain store ({store.Address}) cannot be reached right now: {ex.Message}", ex);
            }

            throw;
        }

        if (write)
        {
            // A write that went through after one that failed (a retry) leaves memory and store in step again.
            Mark(null);
        }
    }

    private void Mark(WriteFailure? failure)
    {
        if (contexts.GrainContext is { } context)
        {
            context.SetComponent(failure);
        }
    }
}

/// <summary>The mark an activation carries while its last state write failed.</summary>
public sealed class WriteFailure
{
    public static WriteFailure Instance { get; } = new();
}
