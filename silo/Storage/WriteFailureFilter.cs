using MirrorGate.Grains.Storage;

namespace MirrorGate.Silo.Storage;

/// <summary>
/// Drops an activation whose state write failed during a call, whatever the failure (a database that went away,
/// a full disk, a lost version race the grain caught), so that the next call starts from what is stored. The one
/// exception is a grain that says it holds unsaved state on purpose (<see cref="IRetainsUnsavedState"/>).
/// </summary>
public sealed partial class WriteFailureFilter(ILogger<WriteFailureFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            var target = context.TargetContext;
            if (target.GetComponent<WriteFailure>() is not null
                && target.GrainInstance is not IRetainsUnsavedState { HasUnsavedState: true })
            {
                target.SetComponent<WriteFailure>(null);
                LogDropped(logger, target.GrainId.ToString());
                target.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "A state write failed; the next call reads what is stored."));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId} failed to store its state and is deactivated; its next call reads what is stored")]
    private static partial void LogDropped(ILogger logger, string grainId);
}
