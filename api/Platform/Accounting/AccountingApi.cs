using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.Api.Platform.Accounting;

/// <summary>
/// <c>/accounting/mybalance.dspy</c> (seed 003 "查询账户余额"): the spendable balance of the caller's org wallet, as
/// the seed lists it, <c>data: [{account, balance}]</c>. Held amounts (charges in flight) are already taken out; the
/// row also says how much is held.
/// </summary>
public static class AccountingApi
{
    /// <summary>The name of the one account row (the customer's balance account of its org).</summary>
    public const string BalanceAccountName = "余额";

    public static IEndpointRouteBuilder MapAccounting(this IEndpointRouteBuilder platform)
    {
        platform.MapDspy("/accounting/mybalance.dspy", MyBalanceAsync);
        return platform;
    }

    private static async Task<IResult> MyBalanceAsync(HttpContext context, IGrainFactory grains)
    {
        if (await PlatformLogin.CallerAsync(context) is not { } caller)
        {
            return DspyResults.Error(PlatformCallers.LoginRequired);
        }

        var wallet = await grains.GetGrain<IWalletGrain>(caller.OrgId).GetBalanceAsync();
        return DspyResults.Ok(new[] { new BalanceRow(BalanceAccountName, wallet.Balance, wallet.Held, caller.OrgId) });
    }

    private sealed record BalanceRow(string account, decimal balance, decimal held, string orgid);
}
