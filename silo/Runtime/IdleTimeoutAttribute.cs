namespace MirrorGate.Silo.Runtime;

/// <summary>
/// Overrides <see cref="GrainRuntimeOptions.IdleTimeout"/> for one grain class, like Orleans'
/// collection age limit: grains that are numerous and rarely called again (one per conversation)
/// should leave memory sooner than the few that every request uses.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class IdleTimeoutAttribute(double minutes) : Attribute
{
    public TimeSpan IdleTimeout { get; } = TimeSpan.FromMinutes(minutes);
}
