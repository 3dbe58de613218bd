using System.Security.Cryptography;
using System.Text;

namespace MirrorGate.Api.Platform.Recharge;

/// <summary>
/// Alipay's RSA2 signature, as its open-platform documents describe it (自行实现签名 / 异步通知验签): every parameter
/// except <c>sign</c> (and, when verifying a notification, <c>sign_type</c>) and except empty values, sorted by name in
/// ASCII order, joined as <c>name=value</c> with <c>&amp;</c>, unencoded; signed with SHA256withRSA (PKCS#1 v1.5) and
/// base64-encoded. The tests' Alipay simulator implements the same rules from the same reading, on its own key pair.
/// </summary>
public static class AlipaySignature
{
    public static string Content(IEnumerable<KeyValuePair<string, string?>> parameters, bool notification) =>
        string.Join('&', parameters
            .Where(p => !string.IsNullOrEmpty(p.Value) && p.Key != "sign" && !(notification && p.Key == "sign_type"))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

    public static string Sign(string content, string privateKeyPem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        return Convert.ToBase64String(rsa.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static bool Verify(string content, string signature, string publicKeyPem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(publicKeyPem);
            return rsa.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
