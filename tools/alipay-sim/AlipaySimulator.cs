using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.SimHosting;

namespace MirrorGate.AlipaySim;

/// <summary>
/// Alipay's side of page pay, on loopback. <c>GET /gateway.do</c> is the cashier: it checks the request's RSA2 signature
/// with the merchant's public key (as Alipay does), and keeps the trade (400 with the reason otherwise). <see
/// cref="PayAsync"/> is the payer paying: the simulator posts the asynchronous notification to the trade's
/// <c>notify_url</c>, signed with the simulator's own private key (<see cref="PublicKeyPem"/> is what the gateway
/// configures as Alipay's public key). The signing rules are written here independently of the gateway's, from the
/// same public description (sorted <c>name=value</c> pairs without <c>sign</c>/<c>sign_type</c>, SHA256withRSA, base64).
/// </summary>
public sealed class AlipaySimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _merchantPublicKeyPem;
    private readonly ConcurrentDictionary<string, Trade> _trades = new();
    private readonly HttpClient _http = new();
    private Uri? _root;

    private AlipaySimulator(string merchantPublicKeyPem)
    {
        _merchantPublicKeyPem = merchantPublicKeyPem;
        _app = SimHost.CreateBuilder(typeof(AlipaySimulator), [], standalone: false).Build();
        _app.MapGet("/gateway.do", Cashier);
    }

    /// <summary>Alipay's public key (SubjectPublicKeyInfo PEM), for the gateway's <c>Alipay:AlipayPublicKey</c>.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    public Uri GatewayUrl => new(_root ?? throw new InvalidOperationException("The simulator has not started."), "gateway.do");

    /// <summary>The notifications sent so far, as form fields (to replay or tamper with).</summary>
    public ConcurrentQueue<Dictionary<string, string>> Sent { get; } = new();

    public static async Task<AlipaySimulator> StartAsync(string merchantPublicKeyPem)
    {
        var sim = new AlipaySimulator(merchantPublicKeyPem);
        sim._root = await SimHost.StartOnLoopbackAsync(sim._app);
        return sim;
    }

    public bool HasTrade(string outTradeNo) => _trades.ContainsKey(outTradeNo);

    /// <summary>
    /// The payer pays the trade: a signed <c>TRADE_SUCCESS</c> notification goes to its <c>notify_url</c> (or to
    /// <paramref name="deliverTo"/>, for a gateway whose address was known only after it started); the gateway's answer
    /// body is returned. <paramref name="paidAmount"/> makes Alipay report another amount than the one ordered.
    /// </summary>
    public async Task<string> PayAsync(string outTradeNo, string? paidAmount = null, Uri? deliverTo = null)
    {
        var trade = _trades[outTradeNo];
        var fields = new Dictionary<string, string>
        {
            ["notify_time"] = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["notify_type"] = "trade_status_sync",
            ["notify_id"] = Guid.NewGuid().ToString("N"),
            ["app_id"] = trade.AppId,
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["sign_type"] = "RSA2",
            ["trade_no"] = "2026" + Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999).ToString(CultureInfo.InvariantCulture),
            ["out_trade_no"] = outTradeNo,
            ["trade_status"] = "TRADE_SUCCESS",
            ["total_amount"] = paidAmount ?? trade.TotalAmount,
            ["receipt_amount"] = paidAmount ?? trade.TotalAmount,
            ["subject"] = trade.Subject,
        };
        if (trade.Passback is { Length: > 0 } passback)
        {
            fields["passback_params"] = passback;
        }

        fields["sign"] = Sign(fields);
        Sent.Enqueue(fields);
        return await PostAsync(deliverTo?.ToString() ?? trade.NotifyUrl, fields);
    }

    /// <summary>Posts any notification (a replay, or one changed after signing) to <paramref name="notifyUrl"/>.</summary>
    public async Task<string> PostAsync(string notifyUrl, IReadOnlyDictionary<string, string> fields)
    {
        using var response = await _http.PostAsync(notifyUrl, new FormUrlEncodedContent(fields));
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
        _key.Dispose();
    }

    private IResult Cashier(HttpRequest request)
    {
        var fields = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        if (!fields.TryGetValue("sign", out var sign) || fields.GetValueOrDefault("sign_type") != "RSA2" || fields.GetValueOrDefault("method") != "alipay.trade.page.pay")
        {
            return Results.Text("missing sign, sign_type RSA2 or method alipay.trade.page.pay", statusCode: 400);
        }

        using var merchant = RSA.Create();
        merchant.ImportFromPem(_merchantPublicKeyPem);
        var content = string.Join('&', fields.Where(f => f.Key != "sign" && f.Value.Length > 0).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value));
        if (!merchant.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(sign), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return Results.Text("invalid-signature", statusCode: 400);
        }

        var biz = JsonNode.Parse(fields["biz_content"])!.AsObject();
        var trade = new Trade(fields["app_id"], fields["notify_url"], biz["total_amount"]!.GetValue<string>(), biz["subject"]!.GetValue<string>(), biz["passback_params"]?.GetValue<string>());
        _trades[biz["out_trade_no"]!.GetValue<string>()] = trade;
        return Results.Text("<html><body>收银台 " + trade.TotalAmount + "</body></html>", "text/html");
    }

    private string Sign(Dictionary<string, string> fields)
    {
        var content = string.Join('&', fields.Where(f => f.Key is not "sign" and not "sign_type" && f.Value.Length > 0).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value));
        return Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private sealed record Trade(string AppId, string NotifyUrl, string TotalAmount, string Subject, string? Passback);
}
