using System.Text.Json.Nodes;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.Platform.Pricing;
using MirrorGate.Grains.Hosting;
using MirrorGate.GrainInterfaces.Pricing;
using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.Api.Platform.Billing;

/// <summary>
/// Charges a 元境 platform caller's (a downstream API key's) <c>/v1/*</c> calls to its org's wallet (issue 11, item 5):
/// before the call, the price of an estimate is reserved (the prompt's size plus <c>max_tokens</c>, or
/// <see cref="DefaultCompletionEstimate"/>); after it, the upstream's <c>usage</c> is priced and settled with an order;
/// on failure the reservation is released. The request's <c>model</c> names an LLM product (its <c>llmid</c>), whose
/// pricing program prices <c>prompt_tokens</c>, <c>completion_tokens</c> and <c>model</c> (research D.5). The wallet's
/// idempotency keys are the request id's, so a retried step changes nothing twice.
/// </summary>
public sealed partial class LlmBilling(IGrainFactory grains, [FromKeyedServices(GatewayClock.Key)] TimeProvider time, ILogger<LlmBilling> logger)
{
    /// <summary>Completion tokens reserved for when the request sets no <c>max_tokens</c>: a settle may charge more, up to the floor.</summary>
    public const int DefaultCompletionEstimate = 2048;

    /// <summary>The original's words for an empty wallet (<c>checkCustomerBalance</c>), answered as 429 on <c>/v1</c> (research D.3).</summary>
    public const string InsufficientBalance = "账户余额不够";

    /// <summary>Reserves the estimate's price; a refusal (not offered, unpriced, or not enough balance) otherwise.</summary>
    public async Task<(LlmCharge? Charge, GatewayFailure? Refusal)> OpenAsync(Caller caller, string model, string requestId, int promptTokens, int maxOutputTokens)
    {
        if (await grains.GetGrain<ILlmProductGrain>(model).GetAsync() is not { } product)
        {
            return (null, new GatewayFailure(StatusCodes.Status404NotFound, "model_not_found", $"The model '{model}' is not offered to platform keys (no LLM product has that id)."));
        }

        var estimate = await PriceAsync(caller, product, promptTokens, maxOutputTokens > 0 ? maxOutputTokens : DefaultCompletionEstimate);
        if (estimate.Error is not null)
        {
            return (null, new GatewayFailure(StatusCodes.Status503ServiceUnavailable, "model_not_priced", $"The model '{model}' cannot be priced right now: {estimate.Error}"));
        }

        var key = "llm/" + requestId;
        var wallet = grains.GetGrain<IWalletGrain>(caller.PlatformOrgId!);
        var reserved = await wallet.ReserveAsync(key, estimate.Amount);
        if (reserved.Outcome is WalletOutcome.Insufficient)
        {
            return (null, new GatewayFailure(StatusCodes.Status429TooManyRequests, "insufficient_balance", InsufficientBalance));
        }

        return reserved.Succeeded
            ? (new LlmCharge(this, caller, product, wallet, key, estimate.Amount), null)
            : (null, new GatewayFailure(StatusCodes.Status503ServiceUnavailable, "wallet_refused", $"The wallet refused the reservation ({reserved.Outcome})."));
    }

    internal async Task<(decimal Amount, decimal Cost, string UsageJson, string? Error)> PriceAsync(Caller caller, LlmProduct product, int promptTokens, int completionTokens)
    {
        var usage = new JsonObject { ["model"] = product.Model, ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens };
        var (amount, cost, error) = await PriceUsageAsync(grains, time, caller.PlatformOrgId!, product, usage);
        return (amount, cost, usage.ToJsonString(), error);
    }

    /// <summary>
    /// What <paramref name="orgId"/> pays for <paramref name="usage"/> of <paramref name="product"/>: the program's price
    /// after the customer's discount, in ledger units; the error in the platform's words when it cannot be priced.
    /// Shared by every paid product (token calls here, video tasks in <c>Platform/Video</c>).
    /// </summary>
    internal static async Task<(decimal Amount, decimal Cost, string? Error)> PriceUsageAsync(IGrainFactory grains, TimeProvider time, string orgId, LlmProduct product, JsonObject usage)
    {
        var (quote, error) = await PricingApi.QuoteAsync(grains, product.Ppid, usage, time);
        if (quote is null)
        {
            return (0, 0, error);
        }

        var discount = await grains.GetGrain<ICustomerDiscountGrain>(ICustomerDiscountGrain.KeyOf(product.ResellerOrgId, orgId)).GetAsync();

        // The ledger's unit is 0.000001; a charge of nothing still reserves one unit, so every call leaves an order.
        return (Math.Max(LedgerUnit, Math.Round(quote.Amount * discount, 6, MidpointRounding.AwayFromZero)), Math.Round(quote.Cost, 6, MidpointRounding.AwayFromZero), null);
    }

    private const decimal LedgerUnit = 0.000001m;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Platform charge {Key} for org {OrgId}: the actual price exceeds what the wallet can cover; charged the reserved {Reserved} instead")]
    internal static partial void LogCapped(ILogger logger, string key, string orgId, decimal reserved);

    [LoggerMessage(Level = LogLevel.Error, Message = "Platform charge {Key} for org {OrgId} could not be settled: {Outcome}")]
    internal static partial void LogUnsettled(ILogger logger, string key, string orgId, string outcome);

    internal ILogger Logger => logger;
}

/// <summary>One reserved call: settled once with the upstream's usage, or released.</summary>
public sealed class LlmCharge
{
    private readonly LlmBilling _billing;
    private readonly Caller _caller;
    private readonly LlmProduct _product;
    private readonly IWalletGrain _wallet;
    private readonly string _key;
    private readonly decimal _reserved;
    private bool _closed;

    internal LlmCharge(LlmBilling billing, Caller caller, LlmProduct product, IWalletGrain wallet, string key, decimal reserved)
    {
        _billing = billing;
        _caller = caller;
        _product = product;
        _wallet = wallet;
        _key = key;
        _reserved = reserved;
    }

    /// <summary>Settles the call's price for its actual usage. When that is more than the wallet can cover, the reserved price is charged instead: the estimate was the caller's promise.</summary>
    public async Task SettleAsync(int promptTokens, int completionTokens)
    {
        if (_closed)
        {
            return;
        }

        var price = await _billing.PriceAsync(_caller, _product, promptTokens, completionTokens);
        var amount = price.Error is null ? price.Amount : _reserved;
        var result = await _wallet.SettleAsync(_key, Order(price.UsageJson, amount, price.Cost));
        if (result.Outcome is WalletOutcome.Insufficient)
        {
            LlmBilling.LogCapped(_billing.Logger, _key, _caller.PlatformOrgId!, _reserved);
            result = await _wallet.SettleAsync(_key, Order(price.UsageJson, _reserved, price.Cost));
        }

        // Closed only once the wallet answered: a settle that threw leaves the charge to the release, which the wallet
        // refuses as AlreadyClosed if the settle did land, so nothing is charged twice and no hold is left behind.
        _closed = true;
        if (!result.Succeeded)
        {
            LlmBilling.LogUnsettled(_billing.Logger, _key, _caller.PlatformOrgId!, result.Outcome.ToString());
        }
    }

    /// <summary>Gives the reservation back (the call failed or never answered); nothing once settled.</summary>
    public async Task ReleaseUnlessSettledAsync()
    {
        if (!_closed)
        {
            _closed = true;
            await _wallet.ReleaseAsync(_key);
        }
    }

    private ChargeOrder Order(string usageJson, decimal amount, decimal cost) =>
        new(_caller.PlatformUserId!, _product.ResellerOrgId, _product.ProviderOrgId, _product.LlmId, _product.Name, _product.Model, usageJson, amount, cost);
}
