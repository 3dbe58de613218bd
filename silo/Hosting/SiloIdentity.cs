using System.Globalization;

namespace MirrorGate.Silo.Hosting;

/// <summary>
/// This node's identity for one run: host, process and a start stamp. A restarted process is a new
/// identity, as in Orleans, so its leases never pass for its predecessor's.
/// </summary>
public sealed class SiloIdentity(TimeProvider time)
{
    public string NodeId { get; } = string.Create(CultureInfo.InvariantCulture,
        $"{Environment.MachineName}:{Environment.ProcessId}:{time.GetUtcNow().ToUnixTimeMilliseconds()}:{Guid.NewGuid().ToString("N")[..6]}");
}
