using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MirrorGate.Api.Platform.Accounting;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Platform.Recharge;

/// <summary>
/// Recharge (seed 003 "充值", research D.7): <c>/unipay/user_recharge.dspy</c> creates a pending recharge order in the
/// caller's wallet and answers Alipay's signed page-pay URL (<c>data.redirct</c>, the seed's spelling; also <c>url</c>
/// and <c>orderid</c>). <c>POST /unipay/alipay_notify</c> takes Alipay's asynchronous notification: it is verified with
/// Alipay's public key, its <c>app_id</c> must be ours, and the wallet credits the order once, only for the amount
/// ordered (<see cref="IWalletGrain.RechargeAsync"/>). A forged, replayed or changed notification changes nothing.
/// The answer is Alipay's plain <c>success</c> (stop re-sending) or <c>failure</c>.
/// </summary>
public static partial class RechargeApi
{
    public static IEndpointRouteBuilder MapRecharge(this IEndpointRouteBuilder platform)
    {
        platform.MapDspy("/unipay/user_recharge.dspy", RechargeAsync);
        platform.MapPost("/unipay/alipay_notify", NotifyAsync);
        return platform;
    }

    private static async Task<IResult> RechargeAsync(HttpContext context, IGrainFactory grains, Http.FieldsReader fields, IOptionsMonitor<AlipayOptions> options,
        [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        if (await PlatformLogin.CallerAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        var (parameters, error) = await DspyParams.ReadAsync(context, fields);
        if (parameters is null)
        {
            return error!;
        }

        var alipay = options.CurrentValue;
        if ((parameters.Text("provider") ?? parameters.Text("channel") ?? "alipay") != "alipay")
        {
            return DspyResults.Error("目前只支持支付宝充值 (provider: alipay)");
        }

        if ((parameters.Text("currency") ?? "CNY") != "CNY")
        {
            return DspyResults.Error("目前只支持人民币充值 (currency: CNY)");
        }

        var amount = parameters.Decimal("amount", out var valid);
        if (amount is not { } yuan || !valid || yuan <= 0 || yuan > alipay.MaxAmount || yuan.Scale > 2 && yuan != Math.Round(yuan, 2))
        {
            return DspyResults.Error($"充值金额需为 0.01 到 {alipay.MaxAmount.ToString(CultureInfo.InvariantCulture)} 之间、最多两位小数的数字");
        }

        if (!alipay.Configured)
        {
            return DspyResults.Error("支付宝充值未配置");
        }

        // Alipay takes letters, digits and underscores, at most 64; the org rides in passback_params, which Alipay returns.
        var orderId = "rc" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(15));
        if (!await grains.GetGrain<IWalletGrain>(caller.OrgId).CreateRechargeOrderAsync(orderId, caller.UserId, yuan, "alipay"))
        {
            return DspyResults.Error("充值订单创建失败");
        }

        var url = PagePayUrl(alipay, orderId, yuan, caller.OrgId, time.GetUtcNow());
        return DspyResults.Ok(new JsonObject { ["redirct"] = url, ["url"] = url, ["orderid"] = orderId, ["amount"] = yuan });
    }

    private static string PagePayUrl(AlipayOptions alipay, string orderId, decimal amount, string orgId, DateTimeOffset now)
    {
        var biz = new JsonObject
        {
            ["out_trade_no"] = orderId,
            ["product_code"] = "FAST_INSTANT_TRADE_PAY",
            ["total_amount"] = amount.ToString("0.00", CultureInfo.InvariantCulture),
            ["subject"] = alipay.Subject,
            ["passback_params"] = Uri.EscapeDataString(orgId),
        };
        var parameters = new Dictionary<string, string?>
        {
            ["app_id"] = alipay.AppId,
            ["method"] = "alipay.trade.page.pay",
            ["format"] = "JSON",
            ["charset"] = "utf-8",
            ["sign_type"] = "RSA2",
            ["timestamp"] = now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["version"] = "1.0",
            ["notify_url"] = alipay.NotifyUrl,
            ["return_url"] = alipay.ReturnUrl,
            ["biz_content"] = biz.ToJsonString(),
        };
        parameters["sign"] = AlipaySignature.Sign(AlipaySignature.Content(parameters, notification: false), alipay.MerchantPrivateKey!);
        return alipay.GatewayUrl + "?" + string.Join('&', parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!)));
    }

    private static async Task<IResult> NotifyAsync(HttpContext context, IGrainFactory grains, IOptionsMonitor<AlipayOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(RechargeApi).FullName!);
        var alipay = options.CurrentValue;
        if (!alipay.Configured || !context.Request.HasFormContentType)
        {
            return Failure(logger, "not configured, or not a form", null);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = form.ToDictionary(f => f.Key, f => (string?)f.Value.ToString());
        var orderId = fields.GetValueOrDefault("out_trade_no");
        if (fields.GetValueOrDefault("sign") is not { Length: > 0 } sign || fields.GetValueOrDefault("sign_type") != "RSA2"
            || !AlipaySignature.Verify(AlipaySignature.Content(fields, notification: true), sign, alipay.AlipayPublicKey!))
        {
            return Failure(logger, "the signature does not verify with Alipay's public key", orderId);
        }

        if (fields.GetValueOrDefault("app_id") != alipay.AppId)
        {
            return Failure(logger, "the notification is for another app id", orderId);
        }

        // Only a paid trade credits; other states (WAIT_BUYER_PAY, TRADE_CLOSED) are acknowledged and change nothing.
        if (fields.GetValueOrDefault("trade_status") is not ("TRADE_SUCCESS" or "TRADE_FINISHED"))
        {
            return Results.Text("success");
        }

        if (orderId is null || fields.GetValueOrDefault("passback_params") is not { Length: > 0 } passback
            || !decimal.TryParse(fields.GetValueOrDefault("total_amount"), NumberStyles.Number, CultureInfo.InvariantCulture, out var paid))
        {
            return Failure(logger, "out_trade_no, passback_params or total_amount is missing", orderId);
        }

        var result = await grains.GetGrain<IWalletGrain>(Uri.UnescapeDataString(passback)).RechargeAsync(orderId, paid);
        if (!result.Succeeded)
        {
            return Failure(logger, "the wallet refused it: " + result.Outcome, orderId);
        }

        LogCredited(logger, orderId, result.Outcome == WalletOutcome.AlreadyDone);
        return Results.Text("success");
    }

    private static IResult Failure(ILogger logger, string reason, string? orderId)
    {
        LogRefused(logger, orderId ?? "(none)", reason);
        return Results.Text("failure");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay notification for order {OrderId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string orderId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alipay recharge {OrderId} credited (repeat: {Repeat})")]
    private static partial void LogCredited(ILogger logger, string orderId, bool repeat);
}
