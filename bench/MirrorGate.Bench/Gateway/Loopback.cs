using System.Net;
using System.Net.Sockets;

namespace MirrorGate.Bench.Gateway;

/// <summary>Loopback ports for the processes the bench starts.</summary>
internal static class Loopback
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
