using System.Collections.Immutable;

namespace MirrorGate.Grains.Users;

/// <summary>
/// Limit windows as counted slices. A window of <c>every_minute</c> minutes is cut into at most
/// <see cref="SlicesPerWindow"/> slices (one second at the least); each slice counts the uses granted in it and keeps
/// the time of its latest one. A slice leaves the window when that latest grant does, so the count never drops below
/// the exact sliding count: a use comes back at most one slice (a sixtieth of the window) later than it would with a
/// list of grants, and never earlier. What is stored per write is a few dozen slices, whatever the request rate.
/// </summary>
internal static class UserWindows
{
    /// <summary>Slices per window: the bound on how late a use comes back, as a share of the window.</summary>
    public const int SlicesPerWindow = 60;

    /// <summary>How many of the latest grants keep their request id, for a request asked again after a lost answer.</summary>
    public const int RecentGrants = 64;

    private static readonly TimeSpan MinimumSlice = TimeSpan.FromSeconds(1);

    /// <summary>The slices still inside the window at <paramref name="now"/>.</summary>
    public static ImmutableArray<GrantSlice> Live(ImmutableArray<GrantSlice> slices, TimeSpan window, DateTimeOffset now) =>
        slices.IsDefaultOrEmpty || slices[0].Last + window > now ? slices : slices.RemoveAll(s => s.Last + window <= now);

    public static int Count(ImmutableArray<GrantSlice> live)
    {
        var count = 0;
        foreach (var slice in live)
        {
            count += slice.Count;
        }

        return count;
    }

    /// <summary>When the oldest counted use leaves the window.</summary>
    public static DateTimeOffset FirstFree(ImmutableArray<GrantSlice> live, TimeSpan window) =>
        live.First(s => s.Count > 0).Last + window;

    /// <summary>Counts grant <paramref name="id"/> at <paramref name="now"/>.</summary>
    public static ImmutableArray<GrantSlice> Add(ImmutableArray<GrantSlice> live, TimeSpan window, DateTimeOffset now, long id) =>
        Add(live, window, now, id, 1);

    /// <summary>Counts the <paramref name="count"/> grants from <paramref name="firstId"/> on (a node's lease) at <paramref name="now"/>.</summary>
    public static ImmutableArray<GrantSlice> Add(ImmutableArray<GrantSlice> live, TimeSpan window, DateTimeOffset now, long firstId, int count)
    {
        var lastId = firstId + count - 1;
        var width = Math.Max(MinimumSlice.Ticks, window.Ticks / SlicesPerWindow);
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % width), TimeSpan.Zero);
        if (live.Length > 0 && live[^1].Start >= start)
        {
            // The current slice (or a clock that stepped back: the latest slice takes the use, and only leaves later).
            var last = live[^1];
            return live.SetItem(live.Length - 1, last with { Last = now > last.Last ? now : last.Last, LastId = lastId, Count = last.Count + count });
        }

        return live.Add(new GrantSlice(start, now, firstId, lastId, count));
    }

    /// <summary>
    /// Gives back <paramref name="unused"/> uses of the lease whose grants start at <paramref name="leaseId"/> (all in
    /// one slice, counted together); nothing when that slice has left the window.
    /// </summary>
    public static void ReleaseLeased(ref ImmutableArray<GrantSlice> slices, long leaseId, int unused)
    {
        for (var i = slices.Length - 1; i >= 0; i--)
        {
            var slice = slices[i];
            if (leaseId >= slice.FirstId && leaseId <= slice.LastId)
            {
                slices = slices.SetItem(i, slice with { Count = slice.Count - Math.Min(unused, slice.Count) });
                return;
            }
        }
    }

    /// <summary>Gives grant <paramref name="id"/> back; false when it is not counted (released before, or expired).</summary>
    public static bool TryRelease(ref ImmutableArray<GrantSlice> slices, long id)
    {
        for (var i = slices.Length - 1; i >= 0; i--)
        {
            var slice = slices[i];
            if (id < slice.FirstId || id > slice.LastId)
            {
                continue;
            }

            if (slice.Count == 0 || slice.Released.Contains(id))
            {
                return false;
            }

            slices = slices.SetItem(i, slice with { Count = slice.Count - 1, Released = slice.Released.Add(id) });
            return true;
        }

        return false;
    }

    /// <summary>Remembers the request of a new grant, forgetting the oldest beyond <see cref="RecentGrants"/>.</summary>
    public static ImmutableArray<RecentGrant> Remember(ImmutableArray<RecentGrant> recent, RecentGrant grant) =>
        recent.Length < RecentGrants ? recent.Add(grant) : recent.RemoveAt(0).Add(grant);

    /// <summary>A window stored as a list of grants (before slices), as slices of one second each.</summary>
    public static ImmutableArray<GrantSlice> FromGrants(ImmutableArray<Grant> grants)
    {
        var slices = ImmutableArray.CreateBuilder<GrantSlice>();
        foreach (var grant in grants.OrderBy(g => g.At))
        {
            var start = new DateTimeOffset(grant.At.UtcTicks - (grant.At.UtcTicks % MinimumSlice.Ticks), TimeSpan.Zero);
            if (slices.Count > 0 && slices[^1].Start == start)
            {
                var last = slices[^1];
                slices[^1] = last with { Last = grant.At, FirstId = Math.Min(last.FirstId, grant.Id), LastId = Math.Max(last.LastId, grant.Id), Count = last.Count + 1 };
            }
            else
            {
                slices.Add(new GrantSlice(start, grant.At, grant.Id, grant.Id, 1));
            }
        }

        return slices.ToImmutable();
    }
}
