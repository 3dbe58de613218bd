namespace MirrorGate.Silo.Storage;

/// <summary>
/// A grain's durable state, injected into its constructor. Read on activation; written only when the
/// grain awaits <see cref="WriteStateAsync"/>. A write that loses a version race throws
/// <see cref="GrainInterfaces.Runtime.InconsistentStateException"/>, and the runtime then deactivates
/// the grain so the next call works on fresh state.
/// </summary>
public interface IPersistentState<TState>
    where TState : class, new()
{
    /// <summary>The current state; a new <typeparamref name="TState"/> until something was written.</summary>
    TState State { get; set; }

    /// <summary>Whether a stored record was read or written.</summary>
    bool RecordExists { get; }

    /// <summary>Version of the stored record this state came from; null when none exists.</summary>
    long? Version { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    Task WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
