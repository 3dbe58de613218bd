namespace MirrorGate.Tests.Platform;

/// <summary>A gateway with the stricter settings an operator may choose: few codes per client address, and a Deerer replay window.</summary>
public sealed class StrictPlatformGateway : PlatformGateway
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Rbac:AddressHourlyLimit"] = "3",
        ["Dapi:DeererWindow"] = "00:05:00",
    };
}

public sealed class StrictPlatformTests(StrictPlatformGateway gateway) : IClassFixture<StrictPlatformGateway>
{
    [Fact]
    public async Task Codes_from_one_client_address_are_limited_whatever_the_number_and_a_replayed_deerer_is_refused()
    {
        // One login (a code) and two more codes use the address's three; a fourth number is refused, until the hour passes.
        var (client, _, _) = await gateway.NewUserAsync();
        using (client)
        {
            Assert.Equal("ok", (await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={PlatformGateway.NewPhone()}")).Status());
            Assert.Equal("ok", (await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={PlatformGateway.NewPhone()}")).Status());
            var phone = PlatformGateway.NewPhone();
            var refused = await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}");
            Assert.StartsWith("验证码发送过于频繁", refused.Message(), StringComparison.Ordinal);
            Assert.Empty(gateway.Sms.Received(phone));

            // The Deerer window: a signature of now works, one older or newer than 5 minutes does not.
            var app = (await client.PostDspyAsync("/dapi/apply_apikey.dspy", new { appname = "strict" }))["data"]!;
            var (id, apiKey, secretKey) = (app["id"]!.GetValue<string>(), app["apikey"]!.GetValue<string>(), app["secretkey"]!.GetValue<string>());
            var now = gateway.Time.GetUtcNow();
            using var fresh = gateway.Client(DeererClient.Header(id, secretKey, apiKey, now.AddMinutes(-4)));
            Assert.Equal("ok", (await fresh.GetDspyAsync("/dapi/downapps.dspy")).Status());
            using var stale = gateway.Client(DeererClient.Header(id, secretKey, apiKey, now.AddMinutes(-6)));
            Assert.Equal("请先登录", (await stale.GetDspyAsync("/dapi/downapps.dspy")).Message());
            using var future = gateway.Client(DeererClient.Header(id, secretKey, apiKey, now.AddMinutes(6)));
            Assert.Equal("请先登录", (await future.GetDspyAsync("/dapi/downapps.dspy")).Message());

            gateway.Time.Advance(TimeSpan.FromHours(1));
            Assert.Equal("ok", (await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}")).Status());
        }
    }
}
