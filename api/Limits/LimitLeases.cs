using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Hosting;

namespace MirrorGate.Api.Limits;

/// <summary>
/// Hands out users' limited uses on this node from blocks leased from their grains (<see cref="IUserGrain.LeaseAsync"/>),
/// so that a channel request takes its use in memory and the user's grain is asked, and writes, once per block rather
/// than once per request. The grain counts a whole block when it leases it, so the nodes together never grant more
/// than the limit; what a node did not hand out goes back with its next lease request, or when the sweep finds the
/// lease expired, or when the node stops. Models whose limit settles each request (tokens per minute, concurrency)
/// are asked per request; a model without a limit is remembered as such for one lease lifetime.
/// <para>
/// One lease request per user and model is in flight at a time; requests that find the block empty wait for it. The
/// next block asks for twice what the last one handed out (and at least one per waiting request), up to
/// <see cref="LimitLeaseOptions.MaxBlock"/>, so a user who sends one request now and then takes one use per lease.
/// </para>
/// </summary>
public sealed partial class LimitLeases(
    GrainReferences grains,
    IOptionsMonitor<LimitLeaseOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<LimitLeases> logger) : BackgroundService
{
    /// <summary>A holder unused this long is dropped from memory (its lease long given back).</summary>
    private static readonly TimeSpan IdleHolder = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string User, string Model), Holder> _holders = new();

    /// <summary>Takes one use of <paramref name="model"/> for <paramref name="userName"/>: from this node's lease, or from the grain per request.</summary>
    public async Task<LimitDecision> AdmitAsync(string userName, string model, string requestId, int estimatedTokens)
    {
        if (!options.CurrentValue.Leasing)
        {
            return await grains.Get<IUserGrain>(userName).TryAdmitAsync(model, catalogued: true, requestId, estimatedTokens);
        }

        var key = (userName, model);
        while (true)
        {
            var holder = _holders.GetOrAdd(key, static _ => new Holder());
            Task<LimitLease> renewal;
            lock (holder)
            {
                if (holder.Dropped)
                {
                    // Dropped by the sweep after this request found it: take a fresh one.
                    _holders.TryRemove(new KeyValuePair<(string, string), Holder>(key, holder));
                    continue;
                }

                var now = time.GetUtcNow();
                holder.LastUsed = now;
                if (holder.Current is { } current && now < current.ExpiresAt)
                {
                    if (current.Kind is LeaseKind.Unlimited)
                    {
                        return LimitDecision.Grant(LimitReservation.Unlimited, current.IsolatedSession);
                    }

                    if (current.Kind is LeaseKind.Block && holder.Left > 0)
                    {
                        holder.Left--;
                        holder.Handed++;
                        return LimitDecision.Grant(new LimitReservation(current.Key, current.LeaseId + holder.Handed - 1) { Leased = true }, current.IsolatedSession);
                    }
                }

                if (holder.Current is { Kind: LeaseKind.PerRequest } perRequest && now < perRequest.ExpiresAt)
                {
                    renewal = PerRequest;
                }
                else
                {
                    renewal = holder.Renewal ??= RenewAsync(holder, userName, model);
                    holder.Waiting++;
                }
            }

            if (ReferenceEquals(renewal, PerRequest))
            {
                return await grains.Get<IUserGrain>(userName).TryAdmitAsync(model, catalogued: true, requestId, estimatedTokens);
            }

            LimitLease lease;
            try
            {
                lease = await renewal;
            }
            finally
            {
                lock (holder)
                {
                    holder.Waiting--;
                }
            }

            if (lease.Kind is LeaseKind.Refused)
            {
                return lease.Refusal!;
            }

            // Take from the new lease, or (per request) ask the grain; a block that others emptied first is renewed again.
        }
    }

    /// <summary>Gives back the use of a request that failed: to this node's lease when it came from one, else to the user's grain.</summary>
    public Task ReleaseAsync(string userName, string model, LimitReservation reservation)
    {
        if (!reservation.Leased)
        {
            return grains.Get<IUserGrain>(userName).ReleaseAsync(reservation);
        }

        if (_holders.TryGetValue((userName, model), out var holder))
        {
            lock (holder)
            {
                // Only into the lease it came from; a use of a lease already given back stays counted (the user's loss, never the operator's).
                if (holder.Current is { Kind: LeaseKind.Block } current && current.Key == reservation.Key
                    && reservation.Id >= current.LeaseId && reservation.Id < current.LeaseId + current.Count && holder.Handed > 0)
                {
                    holder.Left++;
                    holder.Handed--;
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Every lease lifetime: gives back what expired leases left unused, and forgets idle holders.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var beat = new PeriodicTimer(options.CurrentValue.LeaseLifetime, time);
        while (await beat.WaitForNextTickAsync(stoppingToken))
        {
            await SweepAsync(all: false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // A stopping node gives back what it holds, so its users do not wait for the window to return those uses.
        await SweepAsync(all: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    private async Task SweepAsync(bool all)
    {
        var now = time.GetUtcNow();
        var returns = new List<(string User, LeaseReturn Returned)>();
        foreach (var ((userName, _), holder) in _holders)
        {
            lock (holder)
            {
                if (holder.Renewal is not null || holder.Waiting > 0 || (!all && holder.Current is { } live && now < live.ExpiresAt))
                {
                    continue;
                }

                if (holder.TakeReturn() is { } returned)
                {
                    returns.Add((userName, returned));
                }

                holder.Current = null;
                if (all || now - holder.LastUsed > IdleHolder)
                {
                    holder.Dropped = true;
                }
            }
        }

        foreach (var (key, holder) in _holders)
        {
            if (holder.Dropped)
            {
                _holders.TryRemove(new KeyValuePair<(string, string), Holder>(key, holder));
            }
        }

        foreach (var (userName, returned) in returns)
        {
            try
            {
                await grains.Get<IUserGrain>(userName).ReturnLeaseAsync(returned);
            }
            catch (Exception ex)
            {
                // The uses stay counted until they leave the window: the user's loss, never a use too many.
                LogReturnFailed(logger, ex, userName, returned.Unused);
            }
        }
    }

    private async Task<LimitLease> RenewAsync(Holder holder, string userName, string model)
    {
        // Off the caller's lock, so the waiting requests are counted and the call never completes inside it.
        await Task.Yield();
        var settings = options.CurrentValue;
        LeaseRequest request;
        lock (holder)
        {
            var wanted = Math.Clamp(Math.Max(holder.Handed * 2, holder.Waiting), 1, Math.Max(1, settings.MaxBlock));
            request = new LeaseRequest(model, Catalogued: true, wanted, settings.LeaseLifetime) { Returned = holder.TakeReturn() };
            holder.Current = null;
        }

        try
        {
            var lease = await grains.Get<IUserGrain>(userName).LeaseAsync(request);
            lock (holder)
            {
                holder.Current = lease.Kind is LeaseKind.Refused ? null : lease;
                holder.Left = lease.Kind is LeaseKind.Block ? lease.Count : 0;
                holder.Handed = 0;
                holder.Renewal = null;
            }

            return lease;
        }
        catch
        {
            // What the request gave back may not have arrived: those uses stay counted until they leave the window.
            lock (holder)
            {
                holder.Renewal = null;
            }

            throw;
        }
    }

    /// <summary>Stands for "ask the grain per request" where a lease request would be awaited.</summary>
    private static readonly Task<LimitLease> PerRequest = Task.FromResult(new LimitLease(LeaseKind.PerRequest, string.Empty, 0, 0, default, false));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give back {Unused} unused leased uses of user {UserName}; they count until they leave the window")]
    private static partial void LogReturnFailed(ILogger logger, Exception exception, string userName, int unused);

    /// <summary>This node's lease of one user's model; every field is read and written under the holder's lock.</summary>
    private sealed class Holder
    {
        public LimitLease? Current;
        public int Left;
        public int Handed;
        public Task<LimitLease>? Renewal;
        public int Waiting;
        public DateTimeOffset LastUsed;
        public bool Dropped;

        /// <summary>What the current block left unused, to give back; the block is spent from then on.</summary>
        public LeaseReturn? TakeReturn()
        {
            if (Current is not { Kind: LeaseKind.Block } block || Left <= 0)
            {
                return null;
            }

            var returned = new LeaseReturn(block.Key, block.LeaseId, Left);
            Left = 0;
            return returned;
        }
    }
}
