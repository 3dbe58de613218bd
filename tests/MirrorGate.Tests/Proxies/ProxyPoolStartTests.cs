using MirrorGate.Tests.Infrastructure;
using MirrorGate.Upstream.Proxies;

namespace MirrorGate.Tests.Proxies;

/// <summary>The pool is checked at start: a bad entry refuses start, and the message never shows a password.</summary>
public sealed class ProxyPoolStartTests
{
    [Fact]
    public async Task A_bad_pool_entry_refuses_start_with_a_message_that_hides_its_password()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["PROXY_URL_POOL"] = "http://ok:fine-pass-1@127.0.0.1:3128,ftp://eve:leak-pass-2@127.0.0.1:21,socks5://mia:leak-pass-3@127.0.0.1",
        }));
        var message = Flatten(error);
        Assert.Contains("ftp://eve:***@127.0.0.1:21", message, StringComparison.Ordinal);
        Assert.Contains("entry 2", message, StringComparison.Ordinal);
        Assert.Contains("entry 3", message, StringComparison.Ordinal);
        Assert.DoesNotContain("leak-pass", message, StringComparison.Ordinal);
        Assert.DoesNotContain("fine-pass", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("socks5://u:p%40ss@proxy.example:1080", "socks5://u:***@proxy.example:1080", "proxy.example:1080")]
    [InlineData("socks5h://proxy.example:1080", "socks5h://proxy.example:1080", "proxy.example:1080")]
    [InlineData("http://u@[::1]:8080", "http://u@[::1]:8080", "[::1]:8080")]
    public void Pool_entries_parse_and_mask(string url, string masked, string authority)
    {
        Assert.True(ProxyEndpoint.TryParse(url, out var endpoint, out var error), error);
        Assert.Equal(masked, endpoint!.Masked);
        Assert.Equal(masked, endpoint.ToString());
        Assert.Equal(authority, endpoint.Authority);
    }

    [Theory]
    [InlineData("user:secret-pw@host:1080")]
    [InlineData("http://user:secret-pw@host:1080/path")]
    [InlineData("gopher://user:secret-pw@host:70")]
    public void Bad_entries_are_refused_without_their_password(string url)
    {
        Assert.False(ProxyEndpoint.TryParse(url, out _, out var error));
        Assert.DoesNotContain("secret-pw", error, StringComparison.Ordinal);
    }

    private static string Flatten(Exception exception) =>
        exception is AggregateException aggregate ? string.Join("\n", aggregate.InnerExceptions.Select(Flatten))
        : exception.Message + (exception.InnerException is { } inner ? "\n" + Flatten(inner) : string.Empty);
}
