using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MirrorGate.Tests.Api;

/// <summary>
/// Sends hand-written HTTP/1.1 bytes over a real socket and parses the answer, for requests no HTTP client would
/// send (a malformed chunked body). The request should say <c>Connection: close</c>: the answer is read to the end.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri server, string head, byte[] body)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
        await stream.WriteAsync(body, timeout.Token);
        await stream.FlushAsync(timeout.Token);

        using var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server reset the connection after answering (it could not drain the broken body): the answer is in.
        }

        return Parse(received.ToArray());
    }

    private static RawResponse Parse(byte[] bytes)
    {
        var split = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(split > 0, $"no complete response head in: {Encoding.UTF8.GetString(bytes)}");
        var lines = Encoding.ASCII.GetString(bytes, 0, split).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = bytes.AsSpan(split + 4);
        var chunked = headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        return new RawResponse(status, headers, chunked ? Dechunk(body) : Encoding.UTF8.GetString(body));
    }

    private static string Dechunk(ReadOnlySpan<byte> chunked)
    {
        using var result = new MemoryStream();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            var sizeText = Encoding.ASCII.GetString(chunked[..lineEnd]).Split(';')[0];
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return Encoding.UTF8.GetString(result.ToArray());
            }

            result.Write(chunked.Slice(lineEnd + 2, size));
            chunked = chunked[(lineEnd + 2 + size + 2)..];
        }
    }
}

/// <summary>A parsed raw answer: status, headers (last value wins) and the body as text.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
