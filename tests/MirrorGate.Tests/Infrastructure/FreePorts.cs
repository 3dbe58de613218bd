using System.Net;
using System.Net.Sockets;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// Loopback ports nothing listens on right now, for the silos and servers a test starts. They come from below the
/// kernel's ephemeral range (32768–60999 on Linux): a port the kernel handed out with port 0 and took back is the very
/// kind it hands to the next outgoing connection, so a node started a moment later could find it taken (seen once as a
/// cluster node failing at start). Ports are handed out in turn from a random point, each checked by binding it.
/// </summary>
public static class FreePorts
{
    private const int First = 20000;
    private const int Count = 12000;

    private static int _next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException($"No free loopback port in {First}–{First + Count - 1}.");
    }
}
