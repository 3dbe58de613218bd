using MirrorGate.GrainInterfaces.Audit;
using MirrorGate.GrainInterfaces.Errors;
using Orleans.Concurrency;

namespace MirrorGate.Grains.Audit;

/// <summary>
/// The audit log's door, a stateless worker on the caller's own silo (no hop for a co-hosted front end). Only admin
/// changes are audited, so this is never on the chat path. A store that blinks gets a few quick retries with the same
/// entry id, which cannot be written twice.
/// </summary>
[GrainType("audit")]
[StatelessWorker]
[Reentrant]
public sealed class AuditGrain(IAuditStore store) : Grain, IAuditGrain
{
    private const int Attempts = 3;

    public async Task RecordAsync(AuditEntry entry)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AppendAsync(entry);
                return;
            }
            catch (StorageUnavailableException) when (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
        }
    }

    public Task<AuditPage> ListAsync(int page, int pageSize, string? actor) => store.ListAsync(page, pageSize, actor);
}
