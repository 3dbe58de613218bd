using System.Reflection;
using MirrorGate.GrainInterfaces.Runtime;
using MirrorGate.Silo.Storage;
using Microsoft.Extensions.Logging;

namespace MirrorGate.Silo.Runtime;

/// <summary>
/// One grain instance on this node and the gate that keeps its turns apart.
/// </summary>
/// <remarks>
/// Lifecycle: created empty by the catalog; the first turn builds the instance, reads its states and
/// calls OnActivateAsync; later turns run the calls. The activation ends (deactivation) when it is
/// idle-collected, when a state write loses a version race, when activation fails, or when the grain
/// asks for it. A deactivated activation refuses turns: a caller that reached it late sees
/// <c>Ran = false</c> and goes back to the catalog, which creates a fresh activation that reads fresh state.
/// </remarks>
internal sealed partial class GrainActivation(GrainCatalog catalog, GrainTypeInfo type, GrainContext context, IServiceProvider services, ILogger logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Grain? _grain;
    private IPersistentStateLoader[] _states = [];
    private bool _deactivated;
    private volatile bool _stale;
    private int _waiting;
    private long _lastUsedTimestamp = catalog.Time.GetTimestamp();

    public GrainTypeInfo Type { get; } = type;

    public GrainContext Context { get; } = context;

    /// <summary>Calls queued or running right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public long LastUsedTimestamp => Volatile.Read(ref _lastUsedTimestamp);

    public async Task<(bool Ran, T Result)> TryRunAsync<T>(MethodInfo method, object?[]? args)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _gate.WaitAsync();
            try
            {
                if (_deactivated)
                {
                    return (false, default!);
                }

                if (_stale || (_grain is not null && _states.Length > 0 && catalog.ReloadEmptyStates && _states.All(s => s.Version is null)))
                {
                    // Another node stored a newer version of this grain's state (or may have stored its
                    // first): let the caller go back to the catalog, which builds a fresh activation that reads it.
                    await DeactivateCoreAsync();
                    return (false, default!);
                }

                var grain = _grain ?? await ActivateAsync();
                var result = method.Invoke(grain, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
                if (result is Task<T> typed)
                {
                    return (true, await typed);
                }

                await (Task)result!;
                return (true, default!);
            }
            catch (InconsistentStateException ex)
            {
                LogStateConflict(logger, Context.GrainType, Context.Key, ex.Message);
                await DeactivateCoreAsync();
                throw;
            }
            finally
            {
                if (!_deactivated && _states.Any(s => s.WriteFailed))
                {
                    // The turn changed state in memory that never reached the store (database away,
                    // disk full, a bad payload…): drop this copy so the next call starts from what is stored.
                    LogWriteFailed(logger, Context.GrainType, Context.Key);
                    await DeactivateCoreAsync();
                }
                else if (!_deactivated && Context.DeactivationRequested)
                {
                    await DeactivateCoreAsync();
                }

                _gate.Release();
            }
        }
        finally
        {
            Volatile.Write(ref _lastUsedTimestamp, catalog.Time.GetTimestamp());
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>
    /// Marks this activation for reload when it holds <paramref name="stateName"/> at an older version
    /// than <paramref name="version"/> (or has not finished reading it); null marks it whatever it holds.
    /// Takes effect before the next turn; a running turn finishes, and its write will conflict.
    /// </summary>
    public void MarkStale(string? stateName = null, long version = 0)
    {
        var states = Volatile.Read(ref _states);
        if (stateName is null || _grain is null || states.Any(s => s.StateName == stateName && (s.Version ?? 0) < version))
        {
            _stale = true;
        }
    }

    /// <summary>Deactivates if no call is queued and the gate is free right now; used by idle collection.</summary>
    public async Task<bool> TryDeactivateIfIdleAsync()
    {
        if (Waiting != 0 || !_gate.Wait(0))
        {
            return false;
        }

        try
        {
            if (_deactivated || Waiting != 0)
            {
                return false;
            }

            await DeactivateCoreAsync();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits for the running turn, then deactivates; used at shutdown.</summary>
    public async Task DeactivateAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_deactivated)
            {
                await DeactivateCoreAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Grain> ActivateAsync()
    {
        try
        {
            var (grain, states) = Type.CreateInstance(services, Context);
            Volatile.Write(ref _states, states);
            foreach (var state in states)
            {
                await state.ReadStateAsync(CancellationToken.None);
            }

            await grain.OnActivateAsync(CancellationToken.None);
            _grain = grain;
            return grain;
        }
        catch (Exception ex)
        {
            LogActivationFailed(logger, ex, Context.GrainType, Context.Key);
            _deactivated = true;
            catalog.Remove(this);
            throw;
        }
    }

    private async Task DeactivateCoreAsync()
    {
        _deactivated = true;
        catalog.Remove(this);
        if (_grain is null)
        {
            return;
        }

        try
        {
            await _grain.OnDeactivateAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogDeactivationFailed(logger, ex, Context.GrainType, Context.Key);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainType}/{GrainKey} lost a state write race and is deactivated: {Reason}")]
    private static partial void LogStateConflict(ILogger logger, string grainType, string grainKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainType}/{GrainKey} failed to store its state and is deactivated")]
    private static partial void LogWriteFailed(ILogger logger, string grainType, string grainKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain {GrainType}/{GrainKey} failed to activate")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainType}/{GrainKey} failed in OnDeactivateAsync")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, string grainType, string grainKey);
}
