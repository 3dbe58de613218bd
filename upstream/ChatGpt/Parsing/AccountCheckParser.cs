using System.Text.Json;

namespace MirrorGate.Upstream.ChatGpt.Parsing;

/// <summary>
/// Reads <c>accounts/check/v4-2023-04-27</c> (research §1.5): <c>accounts</c> keyed by id plus <c>default</c>,
/// listed in <c>account_ordering</c> order first, each workspace once (the <c>default</c> entry repeats one).
/// </summary>
internal static class AccountCheckParser
{
    public static UpstreamResult<AccountCheck> Parse(JsonElement root)
    {
        var accounts = Json.Property(root, "accounts");
        if (accounts.ValueKind != JsonValueKind.Object)
        {
            return UpstreamResult<AccountCheck>.Fail(Json.Protocol(200, "The account check answered without accounts."));
        }

        var workspaces = new List<WorkspaceInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ordering = Json.Property(root, "account_ordering");
        if (ordering.ValueKind == JsonValueKind.Array)
        {
            foreach (var id in ordering.EnumerateArray())
            {
                if (id.ValueKind == JsonValueKind.String && accounts.TryGetProperty(id.GetString()!, out var entry))
                {
                    Add(entry, workspaces, seen);
                }
            }
        }

        foreach (var entry in accounts.EnumerateObject())
        {
            Add(entry.Value, workspaces, seen);
        }

        return UpstreamResult<AccountCheck>.Ok(new AccountCheck(workspaces));
    }

    private static void Add(JsonElement entry, List<WorkspaceInfo> workspaces, HashSet<string> seen)
    {
        var account = Json.Property(entry, "account");
        if (Json.NonEmpty(account, "account_id") is not { } accountId || !seen.Add(accountId))
        {
            return;
        }

        workspaces.Add(new WorkspaceInfo(
            accountId,
            Json.NonEmpty(account, "plan_type") ?? "unknown",
            Json.NonEmpty(account, "structure"),
            Json.Boolean(account, "is_deactivated"),
            Json.NonEmpty(account, "name")));
    }
}
