using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>
/// A SOCKS5 proxy on loopback for tests (RFC 1928, CONNECT only), requiring username/password authentication
/// (RFC 1929). It counts the tunnels it opened and records the destinations it was asked for, as sent: a host
/// name (address type 3) or an IP literal.
/// </summary>
public sealed class LoopbackSocksProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _user;
    private readonly string _password;
    private readonly Task _accepting;
    private int _tunnels;
    private int _refused;
    private long _bytesRelayed;

    private LoopbackSocksProxy(string user, string password)
    {
        (_user, _password) = (user, password);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Tunnels opened after a successful authentication.</summary>
    public int Tunnels => Volatile.Read(ref _tunnels);

    /// <summary>Bytes the clients sent through the tunnels.</summary>
    public long BytesRelayed => Interlocked.Read(ref _bytesRelayed);

    /// <summary>Connections refused for wrong or missing credentials.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>The destinations asked for, as <c>host:port</c>, host names marked <c>name:</c>.</summary>
    public ConcurrentQueue<string> Destinations { get; } = new();

    public static LoopbackSocksProxy Start(string user, string password) => new(user, password);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var token = _stop.Token;
                var head = await ReadAsync(stream, 2, token);
                var methods = await ReadAsync(stream, head[1], token);
                if (head[0] != 5 || !methods.Contains((byte)2))
                {
                    await stream.WriteAsync(new byte[] { 5, 0xFF }, token);
                    Interlocked.Increment(ref _refused);
                    return;
                }

                await stream.WriteAsync(new byte[] { 5, 2 }, token);
                var version = await ReadAsync(stream, 2, token);
                var user = Encoding.UTF8.GetString(await ReadAsync(stream, version[1], token));
                var password = Encoding.UTF8.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1, token))[0], token));
                if (version[0] != 1 || user != _user || password != _password)
                {
                    await stream.WriteAsync(new byte[] { 1, 1 }, token);
                    Interlocked.Increment(ref _refused);
                    return;
                }

                await stream.WriteAsync(new byte[] { 1, 0 }, token);
                var request = await ReadAsync(stream, 4, token);
                string host;
                switch (request[3])
                {
                    case 1:
                        host = new IPAddress(await ReadAsync(stream, 4, token)).ToString();
                        break;
                    case 4:
                        host = new IPAddress(await ReadAsync(stream, 16, token)).ToString();
                        break;
                    case 3:
                        host = "name:" + Encoding.ASCII.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1, token))[0], token));
                        break;
                    default:
                        return;
                }

                var port = BinaryPrimitives.ReadUInt16BigEndian(await ReadAsync(stream, 2, token));
                Destinations.Enqueue($"{host}:{port}");
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(host.StartsWith("name:", StringComparison.Ordinal) ? host[5..] : host, port, token);
                await stream.WriteAsync(new byte[] { 5, 0, 0, 1, 127, 0, 0, 1, 0, 0 }, token);
                Interlocked.Increment(ref _tunnels);
                var target = upstream.GetStream();
                var up = RelayAsync(stream, target, token);
                var down = target.CopyToAsync(stream, token);
                await Task.WhenAny(up, down);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>Copies client bytes to the target, counting them: a request on a reused tunnel still shows.</summary>
    private async Task RelayAsync(NetworkStream from, NetworkStream to, CancellationToken token)
    {
        var buffer = new byte[8192];
        int read;
        while ((read = await from.ReadAsync(buffer, token)) > 0)
        {
            Interlocked.Add(ref _bytesRelayed, read);
            await to.WriteAsync(buffer.AsMemory(0, read), token);
        }
    }

    private static async Task<byte[]> ReadAsync(NetworkStream stream, int count, CancellationToken token)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, token);
        return buffer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
