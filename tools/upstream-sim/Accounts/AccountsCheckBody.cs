using System.Text.Json.Nodes;

namespace MirrorGate.UpstreamSim.Accounts;

/// <summary>The body of <c>accounts/check/v4-2023-04-27</c> (research §1.5).</summary>
internal static class AccountsCheckBody
{
    public static JsonObject For(SimAccount account, DateTimeOffset now)
    {
        var accounts = new JsonObject();
        var ordering = new JsonArray();
        if (account.TeamAccountId is { } team)
        {
            // The workspace comes first: older clients took account_ordering[0] when there were several.
            // structure "workspace" is an uncertain value (research §1.5).
            accounts[team] = Entry(account, team, "workspace", "team", "Sim Team", now);
            ordering.Add(team);
        }

        accounts[account.AccountId] = Entry(account, account.AccountId, "personal", account.Plan, null, now);
        ordering.Add(account.AccountId);
        accounts["default"] = Entry(account, account.AccountId, "personal", account.Plan, null, now);
        return new JsonObject { ["accounts"] = accounts, ["account_ordering"] = ordering };
    }

    private static JsonObject Entry(SimAccount account, string accountId, string structure, string plan, string? name, DateTimeOffset now)
    {
        var paid = plan != "free";
        var subscription = "sub_" + accountId.Replace("-", "", StringComparison.Ordinal);
        return new JsonObject
        {
            ["account"] = new JsonObject
            {
                ["account_id"] = accountId,
                ["account_user_id"] = $"{account.UserId}__{accountId}",
                ["account_user_role"] = "account-owner",
                ["organization_id"] = null,
                ["name"] = name,
                ["structure"] = structure,
                ["plan_type"] = plan,
                ["is_deactivated"] = false,
            },
            ["features"] = new JsonArray("sim"),
            ["entitlement"] = new JsonObject
            {
                ["subscription_id"] = paid ? subscription : null,
                ["has_active_subscription"] = paid,
                ["subscription_plan"] = paid ? $"chatgpt{plan}plan" : null,
                ["expires_at"] = paid ? (now + TimeSpan.FromDays(30)).ToString("O") : null,
                ["billing_period"] = null,
            },
            ["rate_limits"] = new JsonArray(),
            ["last_active_subscription"] = new JsonObject
            {
                ["subscription_id"] = paid ? subscription : null,
                ["purchase_origin_platform"] = paid ? "chatgpt_web" : null,
                ["will_renew"] = paid,
            },
        };
    }
}
