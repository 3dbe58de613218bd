using System.Net;
using MirrorGate.Grains.Hooks;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Hooks;

/// <summary>
/// Hook URLs may not reach what the operator did not mean them to (issue 10, item 3): link-local and cloud metadata
/// addresses never, loopback only with <c>Hooks:AllowLoopback</c>; checked on the resolved address at connect time,
/// and on literal addresses and schemes at start.
/// </summary>
public sealed class HookAddressPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254", false, "metadata")]
    [InlineData("fd00:ec2::254", false, "metadata")]
    [InlineData("100.100.100.200", false, "metadata")]
    [InlineData("::ffff:169.254.169.254", false, "metadata")]
    [InlineData("64:ff9b::a9fe:a9fe", false, "metadata")]
    [InlineData("169.254.10.1", true, "link-local")]
    [InlineData("fe80::1", true, "link-local")]
    [InlineData("127.0.0.1", false, "loopback")]
    [InlineData("::1", false, "loopback")]
    [InlineData("::ffff:127.0.0.1", false, "loopback")]
    [InlineData("0.0.0.0", true, "not an address a hook can be at")]
    [InlineData("127.0.0.1", true, null)]
    [InlineData("10.20.30.40", false, null)]
    [InlineData("203.0.113.7", false, null)]
    [InlineData("2001:db8::7", false, null)]
    public void The_policy_blocks_link_local_metadata_and_unspecified_addresses_and_loopback_unless_allowed(string address, bool allowLoopback, string? refusal)
    {
        var why = HookAddressPolicy.Refusal(IPAddress.Parse(address), allowLoopback, []);

        if (refusal is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.Contains(refusal, why, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Allowed_networks_narrow_what_is_reachable_but_never_open_a_blocked_address()
    {
        IPNetwork[] everywhere = [IPNetwork.Parse("0.0.0.0/0")];
        IPNetwork[] office = [IPNetwork.Parse("10.20.0.0/16")];

        Assert.Null(HookAddressPolicy.Refusal(IPAddress.Parse("10.20.30.40"), false, office));
        Assert.Contains("outside Hooks:AllowedNetworks", HookAddressPolicy.Refusal(IPAddress.Parse("10.21.0.1"), false, office), StringComparison.Ordinal);
        Assert.Contains("metadata", HookAddressPolicy.Refusal(IPAddress.Parse("169.254.169.254"), false, everywhere), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hooks:AuditUrl", "http://169.254.169.254/latest/meta-data", "cloud metadata")]
    [InlineData("Hooks:NotifyUrl", "http://[fe80::1]:8080/notify", "link-local")]
    [InlineData("Hooks:OAuthUrl", "http://127.0.0.1:9/oauth", "loopback")]
    [InlineData("Hooks:AuditUrl", "ftp://hooks.example.com/audit", "absolute http:// or https:// URL")]
    [InlineData("Hooks:AuditUrl", "/audit", "absolute http:// or https:// URL")]
    [InlineData("Hooks:AllowedNetworks:0", "10.0.0.0/33", "CIDR")]
    public async Task A_gateway_refuses_to_start_with_a_hook_url_it_may_not_call(string key, string value, string reason)
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(reason, refused.ToString(), StringComparison.Ordinal);
    }

    // A host name is judged by what it resolves to where the socket opens: 'localhost' is loopback, refused without the setting.
    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_at_connect_time_without_the_setting()
    {
        await using var hooks = await HookServer.StartAsync();
        var url = $"http://localhost:{hooks.BaseUrl.Port}/audit";
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["Hooks:AuditUrl"] = url });
        await app.AddPooledAccountAsync("policy-pool@example.com");
        var token = await app.MirrorTokenAsync("policy-user", "policy-pool@example.com");

        using var refused = await app.CreateClient(token).ChatAsync("through a name");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("audit_unavailable", (await refused.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Empty(hooks.Calls("/audit"));
    }
}
