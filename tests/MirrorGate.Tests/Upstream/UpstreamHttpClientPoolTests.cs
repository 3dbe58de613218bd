using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.ChatGpt.Http;

namespace MirrorGate.Tests.Upstream;

public sealed class UpstreamHttpClientPoolTests
{
    [Fact]
    public void Keeps_one_client_per_proxy_and_one_for_direct()
    {
        using var pool = new UpstreamHttpClientPool(Microsoft.Extensions.Options.Options.Create(new ChatGptOptions()));

        var direct = pool.Get(null);
        var proxied = pool.Get("socks5://user:secret@127.0.0.1:1080");

        Assert.Same(direct, pool.Get(""));
        Assert.Same(proxied, pool.Get("socks5://user:secret@127.0.0.1:1080"));
        Assert.NotSame(direct, proxied);
        Assert.NotSame(proxied, pool.Get("http://127.0.0.1:8080"));
        Assert.Equal(Timeout.InfiniteTimeSpan, direct.Timeout);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1:21")]
    public void Rejects_a_bad_proxy_every_time(string proxyUrl)
    {
        using var pool = new UpstreamHttpClientPool(Microsoft.Extensions.Options.Options.Create(new ChatGptOptions()));

        Assert.Throws<UriFormatException>(() => pool.Get(proxyUrl));
        Assert.Throws<UriFormatException>(() => pool.Get(proxyUrl));
    }

    [Fact]
    public async Task A_bad_proxy_is_a_network_failure_of_the_call()
    {
        var options = new ChatGptOptions { BackendBaseUrl = new Uri("http://upstream.test") };
        using var pool = new UpstreamHttpClientPool(Microsoft.Extensions.Options.Options.Create(options));
        var client = new ChatGptClient(Microsoft.Extensions.Options.Options.Create(options), pool, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ChatGptClient>.Instance);

        var result = await client.ListModelsAsync(ClientHarness.LoggedIn() with { ProxyUrl = "ftp://x" }, CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.Network, result.Failure!.Kind);
        Assert.Equal("invalid_proxy", result.Failure.Code);
    }
}
