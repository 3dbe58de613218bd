using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Platform.Recharge;

/// <summary>
/// Refuses, at start, Alipay settings that would fail only when a customer pays: some of the four required settings
/// without the others, a key that is not an RSA PEM key, URLs that are not absolute http(s), a cap that is not
/// positive. Recharge left entirely unset is fine (it answers <c>支付宝充值未配置</c>). Messages name the setting,
/// never a key's content.
/// </summary>
public sealed class AlipayOptionsValidator : IValidateOptions<AlipayOptions>
{
    public ValidateOptionsResult Validate(string? name, AlipayOptions options)
    {
        var problems = new List<string>();
        string?[] required = [options.AppId, options.MerchantPrivateKey, options.AlipayPublicKey, options.NotifyUrl];
        var set = required.Count(v => !string.IsNullOrWhiteSpace(v));
        if (set is > 0 and < 4)
        {
            problems.Add("Alipay: AppId, MerchantPrivateKey, AlipayPublicKey and NotifyUrl are needed together (some are set, some are not).");
        }

        if (!string.IsNullOrWhiteSpace(options.MerchantPrivateKey) && !Imports(options.MerchantPrivateKey))
        {
            problems.Add("Alipay:MerchantPrivateKey is not an RSA private key in PEM form (PKCS#8 or PKCS#1).");
        }

        if (!string.IsNullOrWhiteSpace(options.AlipayPublicKey) && !Imports(options.AlipayPublicKey))
        {
            problems.Add("Alipay:AlipayPublicKey is not an RSA public key in PEM form.");
        }

        CheckUrl(problems, "GatewayUrl", options.GatewayUrl);
        CheckUrl(problems, "NotifyUrl", options.NotifyUrl);
        CheckUrl(problems, "ReturnUrl", options.ReturnUrl);
        if (options.MaxAmount <= 0)
        {
            problems.Add("Alipay:MaxAmount must be positive.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckUrl(List<string> problems, string setting, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            problems.Add($"Alipay:{setting} must be an absolute http(s) URL.");
        }
    }

    private static bool Imports(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
