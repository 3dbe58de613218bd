namespace MirrorGate.Api.Platform.Recharge;

/// <summary>
/// Alipay page pay (电脑网站支付, <c>alipay.trade.page.pay</c>) for <c>/unipay/user_recharge.dspy</c>. Recharge is off
/// until <see cref="AppId"/>, <see cref="MerchantPrivateKey"/>, <see cref="AlipayPublicKey"/> and <see cref="NotifyUrl"/>
/// are set. The keys are PEM text (PKCS#8 or PKCS#1 private key, SubjectPublicKeyInfo public key); they are never
/// logged.
/// </summary>
public sealed class AlipayOptions
{
    public const string SectionName = "Alipay";

    public string? AppId { get; set; }

    /// <summary>The merchant's RSA private key, which signs requests (RSA2 = SHA256withRSA).</summary>
    public string? MerchantPrivateKey { get; set; }

    /// <summary>Alipay's RSA public key, which verifies the asynchronous notifications.</summary>
    public string? AlipayPublicKey { get; set; }

    /// <summary>Alipay's gateway; a simulator's address in tests.</summary>
    public string GatewayUrl { get; set; } = "https://openapi.alipay.com/gateway.do";

    /// <summary>Where Alipay posts the payment result: this gateway's <c>/unipay/alipay_notify</c>, reachable from Alipay.</summary>
    public string? NotifyUrl { get; set; }

    /// <summary>Where the payer's browser goes afterwards; optional.</summary>
    public string? ReturnUrl { get; set; }

    public string Subject { get; set; } = "账户充值";

    /// <summary>The largest single recharge, in yuan (Alipay's own cap is 100,000,000.00).</summary>
    public decimal MaxAmount { get; set; } = 100_000m;

    public bool Configured =>
        !string.IsNullOrWhiteSpace(AppId) && !string.IsNullOrWhiteSpace(MerchantPrivateKey) && !string.IsNullOrWhiteSpace(AlipayPublicKey) && !string.IsNullOrWhiteSpace(NotifyUrl);
}
