namespace MirrorGate.Grains.Hosting;

/// <summary>
/// The clock of the gateway's own decisions (token expiry, limit windows, cool-downs, day and hour buckets): a
/// <see cref="TimeProvider"/> registered under <see cref="Key"/>. It is kept apart from the unkeyed
/// <see cref="TimeProvider"/>, which Orleans uses for membership, timers and reminders, so that a test can move the
/// gateway's time by days without moving the runtime's.
/// </summary>
public static class GatewayClock
{
    public const string Key = "mirrorgate";
}
