using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Rbac;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// Phone login (issue 11, item 1; seed 003 and research D.3) through <c>/rbac/gen_sms_code.dspy</c> and
/// <c>/rbac/phone_login.dspy</c>, with the seed's request shapes (query, form and JSON), the code read from the SMS
/// provider simulator.
/// </summary>
public sealed class PhoneLoginTests(PlatformGateway gateway) : IClassFixture<PlatformGateway>
{
    [Fact]
    public async Task A_new_number_registers_once_and_then_logs_in_as_the_same_user()
    {
        var phone = PlatformGateway.NewPhone();
        using var client = gateway.Client();
        var answer = await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}");
        Assert.Equal("ok", answer.Status());
        Assert.Equal("短信码已生成", answer.Message());
        var key = answer["data"]!["key"]!.GetValue<string>();
        Assert.Equal(21, key.Length);
        var code = gateway.Sms.LastCode(phone);
        Assert.Matches("^[0-9]{6}$", code);
        Assert.DoesNotContain(code, answer.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(code, gateway.Sms.Received(phone)[^1].Message, StringComparison.Ordinal);

        var login = await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code });
        Assert.Equal("ok", login.Status());
        var user = login["data"]!["user"]!.AsObject();
        Assert.Equal(phone, user["username"]!.GetValue<string>());
        Assert.Equal(phone, user["nick_name"]!.GetValue<string>());
        Assert.Equal(phone, user["mobile"]!.GetValue<string>());
        Assert.Equal("0", user["user_status"]!.GetValue<string>());
        Assert.Equal(21, user["id"]!.GetValue<string>().Length);
        Assert.Equal(21, user["orgid"]!.GetValue<string>().Length);
        Assert.StartsWith("mgps-", login["data"]!["token"]!.GetValue<string>(), StringComparison.Ordinal);

        // One account for the number now: the next login is that user, in the same org, and nothing new is registered.
        gateway.PassPhoneInterval();
        using var other = gateway.Client();
        var again = await gateway.LoginAsync(phone, other);
        Assert.Equal(user["id"]!.GetValue<string>(), again["user"]!["id"]!.GetValue<string>());
        Assert.Equal(user["orgid"]!.GetValue<string>(), again["user"]!["orgid"]!.GetValue<string>());
        Assert.Single(await gateway.App.Grains.GetGrain<IPhoneIndexGrain>(phone).GetUsersAsync());
    }

    [Fact]
    public async Task Form_and_query_requests_work_as_json_does()
    {
        var phone = PlatformGateway.NewPhone();
        using var client = gateway.Client();
        var sent = await client.PostFormAsync("/rbac/gen_sms_code.dspy", ("cellphone", phone));
        Assert.Equal("ok", sent.Status());
        var key = sent["data"]!["key"]!.GetValue<string>();
        var login = await client.PostFormAsync("/rbac/phone_login.dspy", ("cellphone", phone), ("key", key), ("sms_code", gateway.Sms.LastCode(phone)));
        Assert.Equal("ok", login.Status());

        gateway.PassPhoneInterval();
        var (key2, code2) = await gateway.SendCodeAsync(phone);
        var byQuery = await client.GetDspyAsync($"/rbac/phone_login.dspy?cellphone={phone}&key={key2}&sms_code={code2}");
        Assert.Equal("ok", byQuery.Status());
        Assert.Equal(login["data"]!["user"]!["id"]!.GetValue<string>(), byQuery["data"]!["user"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Missing_or_malformed_fields_get_the_originals_messages_and_nothing_is_sent()
    {
        using var client = gateway.Client();
        Assert.Equal("没有收到手机号", (await client.GetDspyAsync("/rbac/gen_sms_code.dspy")).Message());
        Assert.Equal("手机号格式不正确", (await client.GetDspyAsync("/rbac/gen_sms_code.dspy?cellphone=call-me")).Message());
        var before = gateway.Sms.Received().Count;

        var phone = PlatformGateway.NewPhone();
        Assert.Equal("需输入手机号", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { key = "k", sms_code = "1" })).Message());
        Assert.Equal("需输入验证码", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key = "k" })).Message());
        Assert.Equal("需要短信验证key", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, sms_code = "123456" })).Message());
        Assert.Equal("手机短信验证码出错", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key = "no-such-key", sms_code = "123456" })).Message());
        Assert.Equal(before, gateway.Sms.Received().Count);

        // A body that is not JSON is an error in the family's shape, still HTTP 200.
        using var broken = await client.PostAsync("/rbac/phone_login.dspy", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, broken.StatusCode);
        Assert.Equal("error", JsonNode.Parse(await broken.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        Assert.Empty(await gateway.App.Grains.GetGrain<IPhoneIndexGrain>(phone).GetUsersAsync());
    }

    [Fact]
    public async Task A_code_is_single_use_and_bound_to_its_number()
    {
        var phone = PlatformGateway.NewPhone();
        var otherPhone = PlatformGateway.NewPhone();
        using var client = gateway.Client();
        var (key, code) = await gateway.SendCodeAsync(phone);

        // Another number cannot use this key, and that try does not spend it.
        Assert.Equal("手机短信验证码出错", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = otherPhone, key, sms_code = code })).Message());
        Assert.Equal("ok", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code })).Status());
        Assert.Equal("手机短信验证码出错", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code })).Message());
        Assert.Empty(await gateway.App.Grains.GetGrain<IPhoneIndexGrain>(otherPhone).GetUsersAsync());
    }

    [Fact]
    public async Task Wrong_codes_lock_the_key_after_five_tries_even_for_the_right_code()
    {
        var phone = PlatformGateway.NewPhone();
        using var client = gateway.Client();
        var (key, code) = await gateway.SendCodeAsync(phone);
        var wrong = code == "000000" ? "000001" : "000000";
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal("手机短信验证码出错", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = wrong })).Message());
        }

        Assert.Equal("验证码错误次数过多，请重新获取", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = wrong })).Message());
        Assert.Equal("验证码错误次数过多，请重新获取", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code })).Message());
        Assert.Empty(await gateway.App.Grains.GetGrain<IPhoneIndexGrain>(phone).GetUsersAsync());

        // A new code works.
        gateway.PassPhoneInterval();
        Assert.Equal(phone, (await gateway.LoginAsync(phone, client))["user"]!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_code_expires_after_its_lifetime()
    {
        var phone = PlatformGateway.NewPhone();
        using var client = gateway.Client();
        var (key, code) = await gateway.SendCodeAsync(phone);
        gateway.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal("短信验证码已过期，请重新获取", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code })).Message());
        Assert.Empty(await gateway.App.Grains.GetGrain<IPhoneIndexGrain>(phone).GetUsersAsync());
    }

    [Fact]
    public async Task Several_accounts_answer_choose_an_unmatched_pick_asks_again_and_a_pick_logs_in()
    {
        var phone = PlatformGateway.NewPhone();
        var index = gateway.App.Grains.GetGrain<IPhoneIndexGrain>(phone);
        var first = await index.AddUserAsync("alice-" + phone, "org-a-" + phone, "Alice", gateway.Time.GetUtcNow());
        var second = await index.AddUserAsync("bob-" + phone, "org-b-" + phone, null, gateway.Time.GetUtcNow());
        using var client = gateway.Client();
        var (key, code) = await gateway.SendCodeAsync(phone);

        var choose = await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code });
        Assert.Equal("choose", choose.Status());
        Assert.Equal(key, choose["data"]!["key"]!.GetValue<string>());
        var offered = choose["data"]!["users"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([first.Id, second.Id], offered);
        Assert.Equal("bob-" + phone, choose["data"]!["users"]![1]!["nick_name"]!.GetValue<string>());

        // No session is given before a pick.
        Assert.Equal("请先登录", (await client.GetDspyAsync("/dapi/downapps.dspy")).Message());

        var unmatched = await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code, selected_id = "nobody" });
        Assert.Equal("choose", unmatched.Status());
        Assert.Equal(2, (await index.GetUsersAsync()).Count);

        var picked = await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code, selected_id = second.Id });
        Assert.Equal("ok", picked.Status());
        Assert.Equal(second.Id, picked["data"]!["user"]!["id"]!.GetValue<string>());
        Assert.Equal("org-b-" + phone, picked["data"]!["user"]!["orgid"]!.GetValue<string>());

        // The pick spent the code.
        Assert.Equal("手机短信验证码出错", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code, selected_id = first.Id })).Message());

        // A wrong code never shows the list.
        gateway.PassPhoneInterval();
        var (key2, code2) = await gateway.SendCodeAsync(phone);
        var wrong = await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key = key2, sms_code = code2 == "111111" ? "111112" : "111111" });
        Assert.Equal("error", wrong.Status());
        Assert.DoesNotContain(first.Id, wrong.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codes_to_one_number_are_rate_limited()
    {
        var phone = PlatformGateway.NewPhone();
        using var client = gateway.Client();
        Assert.Equal("ok", (await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}")).Status());
        var refused = await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}");
        Assert.Equal("error", refused.Status());
        Assert.StartsWith("验证码发送过于频繁", refused.Message(), StringComparison.Ordinal);
        Assert.Single(gateway.Sms.Received(phone));

        // Past the interval, up to the daily limit (10), then refused until the day's first sending leaves the window.
        for (var i = 2; i <= 10; i++)
        {
            gateway.PassPhoneInterval();
            Assert.Equal("ok", (await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}")).Status());
        }

        gateway.PassPhoneInterval();
        Assert.Equal("error", (await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}")).Status());
        Assert.Equal(10, gateway.Sms.Received(phone).Count);
        gateway.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal("ok", (await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}")).Status());
    }

    [Fact]
    public async Task A_provider_failure_answers_the_originals_error_with_a_key_that_does_not_work()
    {
        var phone = PlatformGateway.NewPhone();
        using var client = gateway.Client();
        gateway.Sms.FailNext();
        var answer = await client.GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}");
        Assert.Equal("error", answer.Status());
        Assert.Equal("发送验证码出错", answer.Message());
        var key = answer["data"]!["key"]!.GetValue<string>();
        Assert.Empty(gateway.Sms.Received(phone));
        Assert.Equal("手机短信验证码出错", (await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = "123456" })).Message());
    }
}
