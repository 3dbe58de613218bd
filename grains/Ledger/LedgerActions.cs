using System.Collections.Immutable;

namespace MirrorGate.Grains.Ledger;

/// <summary>
/// The action → legs configuration research D.7 recommends, in one table: each action moves a named variable
/// (<c>交易金额</c>, <c>采购成本</c>, …) from one account to another, so a balance is only ever the sum of postings and
/// every transaction sums to zero. Orgs play three roles: customer (the wallet), reseller (the product's owner;
/// <c>"0"</c> is the platform) and provider (the upstream it buys from). Refunds post an action's legs negated.
/// </summary>
public static class LedgerActions
{
    /// <summary>The platform org (D.4: a product owner of <c>'0'</c> is the platform), which receives payments.</summary>
    public const string PlatformOrg = "0";

    public const string Pay = "PAY";
    public const string PayCost = "PAY*";
    public const string Recharge = "RECHARGE";
    public const string Hold = "HOLD";
    public const string Unhold = "UNHOLD";

    /// <summary>A settled charge reversed: its <see cref="Pay"/> and <see cref="PayCost"/> legs, negated (<see cref="Reversed"/>).</summary>
    public const string Refund = "REFUND";

    /// <summary>An operator's manual credit of a customer's balance (docs/console-data.md), from the platform's adjustment account.</summary>
    public const string Adjust = "ADJUST";

    /// <summary>An operator's manual debit: the credit's legs the other way, the customer's balance guarded by its floor.</summary>
    public const string AdjustDebit = "ADJUST-";

    /// <summary>The subjects (what an account of an org holds).</summary>
    public static class Subjects
    {
        /// <summary>A customer's spendable money (what <c>mybalance</c> shows).</summary>
        public const string Balance = "balance";

        /// <summary>A customer's money held for charges in flight.</summary>
        public const string Held = "held";

        /// <summary>A reseller's income from its customers.</summary>
        public const string Revenue = "revenue";

        /// <summary>A reseller's purchase cost owed to providers.</summary>
        public const string Cost = "cost";

        /// <summary>A provider's receivable from resellers.</summary>
        public const string Payable = "payable";

        /// <summary>Money paid in through a payment channel (Alipay), before it is spent.</summary>
        public const string Clearing = "clearing";

        /// <summary>The platform's side of operators' manual adjustments: what it gave (negative) or took back.</summary>
        public const string Adjustment = "adjustment";
    }

    /// <summary>The role an account's org plays in a transaction.</summary>
    public enum Role
    {
        Customer,
        Reseller,
        Provider,
        Platform,
    }

    /// <summary>One configured leg: <c>amount(variable)</c> leaves <c>From</c> and enters <c>To</c>.</summary>
    public sealed record LegRule(string Variable, Role FromRole, string FromSubject, Role ToRole, string ToSubject);

    /// <summary>The configuration table. The customer's balance is the only account with a floor.</summary>
    public static ImmutableDictionary<string, ImmutableArray<LegRule>> Rules { get; } = new Dictionary<string, ImmutableArray<LegRule>>
    {
        [Pay] = [new("交易金额", Role.Customer, Subjects.Balance, Role.Reseller, Subjects.Revenue), new("交易手续费", Role.Customer, Subjects.Balance, Role.Platform, Subjects.Revenue)],
        [PayCost] = [new("采购成本", Role.Reseller, Subjects.Cost, Role.Provider, Subjects.Payable)],
        [Recharge] = [new("充值金额", Role.Platform, Subjects.Clearing, Role.Customer, Subjects.Balance)],
        [Hold] = [new("冻结金额", Role.Customer, Subjects.Balance, Role.Customer, Subjects.Held)],
        [Unhold] = [new("冻结金额", Role.Customer, Subjects.Held, Role.Customer, Subjects.Balance)],
        [Adjust] = [new("调整金额", Role.Platform, Subjects.Adjustment, Role.Customer, Subjects.Balance)],
        [AdjustDebit] = [new("调整金额", Role.Customer, Subjects.Balance, Role.Platform, Subjects.Adjustment)],
    }.ToImmutableDictionary();

    /// <summary>The parties of a transaction.</summary>
    public sealed record Parties(string Customer, string? Reseller = null, string? Provider = null);

    /// <summary>
    /// The legs of <paramref name="action"/> for the given variable values (a missing or zero variable posts nothing);
    /// <paramref name="floor"/> guards every leg that takes money out of a customer's balance.
    /// </summary>
    public static IEnumerable<LedgerLeg> Legs(string action, Parties parties, IReadOnlyDictionary<string, long> variables, long floor)
    {
        foreach (var rule in Rules[action])
        {
            if (!variables.TryGetValue(rule.Variable, out var amount) || amount == 0)
            {
                continue;
            }

            var from = new LedgerAccount(OrgOf(rule.FromRole, parties), rule.FromSubject);
            var guarded = rule.FromRole == Role.Customer && rule.FromSubject == Subjects.Balance;
            yield return new LedgerLeg(from, -amount, guarded ? floor : null);
            yield return new LedgerLeg(new LedgerAccount(OrgOf(rule.ToRole, parties), rule.ToSubject), amount);
        }
    }

    /// <summary>The legs that undo <paramref name="legs"/>: each negated. Money goes back to the customer, so no leg needs a floor.</summary>
    public static IEnumerable<LedgerLeg> Reversed(IEnumerable<LedgerLeg> legs) => legs.Select(l => new LedgerLeg(l.Account, -l.Delta));

    private static string OrgOf(Role role, Parties parties) => role switch
    {
        Role.Customer => parties.Customer,
        Role.Reseller => parties.Reseller ?? throw new ArgumentException("This action needs a reseller org."),
        Role.Provider => parties.Provider ?? throw new ArgumentException("This action needs a provider org."),
        _ => PlatformOrg,
    };
}
