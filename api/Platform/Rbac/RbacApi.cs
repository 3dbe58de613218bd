using System.Globalization;
using MirrorGate.Api.Http;
using MirrorGate.GrainInterfaces.Rbac;
using MirrorGate.Grains.Hosting;

namespace MirrorGate.Api.Platform.Rbac;

/// <summary>
/// Phone login (seed <c>003</c>, research D.3): <c>/rbac/gen_sms_code.dspy</c> sends a code and answers its
/// <c>key</c>; <c>/rbac/phone_login.dspy</c> checks it and logs in the number's one user, asks to <c>choose</c> among
/// several (and again when <c>selected_id</c> matches none; the original registered a new user then, a bug), or
/// registers a first user in a customer org of its own. The messages are the original's, where it has them.
/// </summary>
public static class RbacApi
{
    public static IEndpointRouteBuilder MapRbac(this IEndpointRouteBuilder routes)
    {
        routes.MapDspy("/rbac/gen_sms_code.dspy", GenSmsCodeAsync);
        routes.MapDspy("/rbac/phone_login.dspy", PhoneLoginAsync);

        // Gateway-defined: ends the session of the cookie or bearer token (the original logs out through its framework).
        routes.MapDspy("/rbac/logout.dspy", LogoutAsync);
        return routes;
    }

    private static async Task<IResult> GenSmsCodeAsync(HttpContext context, FieldsReader fields, SmsCodes codes)
    {
        var (p, error) = await DspyParams.ReadAsync(context, fields);
        if (p is null)
        {
            return error!;
        }

        if (p.Text("cellphone") is not { } text)
        {
            return DspyResults.Error("没有收到手机号");
        }

        if (PhoneNumbers.Normalize(text) is not { } phone)
        {
            return DspyResults.Error("手机号格式不正确");
        }

        var sending = await codes.SendAsync(phone, ClientAddress.Of(context), context.RequestAborted);
        if (sending.Ok)
        {
            return DspyResults.Ok(new Dictionary<string, object?> { ["message"] = "短信码已生成", ["key"] = sending.Key });
        }

        return sending.Key is { } key
            ? DspyResults.Error(new Dictionary<string, object?> { ["message"] = "发送验证码出错", ["key"] = key })
            : DspyResults.Error($"验证码发送过于频繁，请{Math.Ceiling(sending.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture)}秒后再试");
    }

    private static async Task<IResult> PhoneLoginAsync(
        HttpContext context,
        FieldsReader fields,
        SmsCodes codes,
        PlatformSessions sessions,
        IGrainFactory grains,
        [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        var (p, error) = await DspyParams.ReadAsync(context, fields);
        if (p is null)
        {
            return error!;
        }

        if (p.Text("cellphone") is not { } text)
        {
            return DspyResults.Error("需输入手机号");
        }

        if (p.Text("sms_code") is not { } code)
        {
            return DspyResults.Error("需输入验证码");
        }

        if (p.Text("key") is not { } key)
        {
            return DspyResults.Error("需要短信验证key");
        }

        if (PhoneNumbers.Normalize(text) is not { } phone)
        {
            return DspyResults.Error("手机号格式不正确");
        }

        var index = grains.GetGrain<IPhoneIndexGrain>(phone);
        var users = await index.GetUsersAsync();
        var selected = p.Text("selected_id");
        var chosen = users.Count == 1 ? users[0] : users.FirstOrDefault(u => u.Id == selected);
        var mustChoose = users.Count > 1 && chosen is null;

        // A right code is spent by the login it completes; a "choose" answer leaves it for the pick that follows.
        switch (await codes.CheckAsync(phone, key, code, spend: !mustChoose))
        {
            case SmsCodeCheck.Expired:
                return DspyResults.Error("短信验证码已过期，请重新获取");
            case SmsCodeCheck.LockedOut:
                return DspyResults.Error("验证码错误次数过多，请重新获取");
            case SmsCodeCheck.Rejected:
                return DspyResults.Error("手机短信验证码出错");
        }

        if (mustChoose)
        {
            return Choose(key, users);
        }

        if (chosen is null)
        {
            var registration = await index.RegisterIfNewAsync(time.GetUtcNow());
            if (registration.Users.Count != 1)
            {
                // Another login registered this number in the meantime and it now has several users: pick one (with a new code).
                return Choose(key, registration.Users);
            }

            chosen = registration.Users[0];
        }

        var user = await grains.GetGrain<IPlatformUserGrain>(chosen.Id).RecordLoginAsync(time.GetUtcNow()) ?? chosen;
        var (token, expiresAt) = await sessions.StartAsync(user);
        sessions.SetCookie(context, token, expiresAt);

        // "token" is gateway-defined: the session token for clients that send "Authorization: Bearer" instead of the cookie.
        return DspyResults.Ok(new Dictionary<string, object?> { ["user"] = PlatformUserRows.Row(user), ["token"] = token });
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, PlatformSessions sessions)
    {
        var bearer = context.Request.Headers.Authorization.ToString();
        var token = bearer.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? bearer[7..].Trim() : sessions.CookieToken(context);
        if (token is not null)
        {
            await sessions.EndAsync(token);
        }

        sessions.DeleteCookie(context);
        return DspyResults.Ok();
    }

    private static IResult Choose(string key, IReadOnlyList<PlatformUser> users) =>
        DspyResults.Choose(new Dictionary<string, object?> { ["key"] = key, ["users"] = users.Select(PlatformUserRows.Row).ToList() });
}
