namespace MirrorGate.Silo.Runtime;

/// <summary>
/// Base class of every grain. The runtime creates one instance per key on a node (an activation),
/// loads its persistent state, calls <see cref="OnActivateAsync"/>, and then runs calls one at a
/// time: a call's turn lasts until its task completes, awaits included, so grain code needs no locks.
/// </summary>
/// <remarks>
/// A grain must not call itself, directly or through another grain: turns are not reentrant and such
/// a cycle waits forever. Keep turns short; long upstream work (streams) belongs outside grains.
/// </remarks>
public abstract class Grain
{
    private GrainContext? _context;

    /// <summary>Identity of this activation; set by the runtime before <see cref="OnActivateAsync"/>.</summary>
    protected GrainContext Context => _context ?? throw new InvalidOperationException("The grain is not bound to an activation yet.");

    /// <summary>The grain's string key.</summary>
    protected string GrainKey => Context.Key;

    /// <summary>Called in the activation's first turn, after its persistent state is read.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called in the activation's last turn, when it is collected or deactivated.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Asks the runtime to drop this activation when the current turn ends.</summary>
    protected void DeactivateOnIdle() => Context.RequestDeactivation();

    internal void Bind(GrainContext context) => _context = context;
}
