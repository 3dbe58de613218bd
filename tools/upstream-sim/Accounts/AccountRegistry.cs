using System.Collections.Concurrent;

namespace MirrorGate.UpstreamSim.Accounts;

/// <summary>Accounts by email (case-insensitive, as upstream logins are).</summary>
internal sealed class AccountRegistry
{
    private readonly ConcurrentDictionary<string, AccountRecord> _byEmail = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns the account, creating it with fresh ids on first sight; an existing account keeps
    /// its ids and takes the new plan and workspace.</summary>
    public AccountRecord Upsert(string email, string plan, string? teamAccountId)
    {
        var record = _byEmail.GetOrAdd(email, static (key, state) => new AccountRecord(new SimAccount(
            key,
            Guid.NewGuid().ToString(),
            "user-" + Tokens.Base64UrlText.RandomChars(24),
            state.plan,
            state.teamAccountId)), (plan, teamAccountId));
        record.Account.Plan = plan;
        record.Account.TeamAccountId = teamAccountId;
        return record;
    }

    public bool TryGet(string email, out AccountRecord record) => _byEmail.TryGetValue(email, out record!);

    public AccountRecord Get(string email) =>
        _byEmail.TryGetValue(email, out var record)
            ? record
            : throw new KeyNotFoundException($"The simulator has no account '{email}'.");

    public IEnumerable<AccountRecord> All => _byEmail.Values;
}
