using MirrorGate.UpstreamSim.Accounts;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>A refresh token; <see cref="Consumed"/> changes only under the account's gate.</summary>
internal sealed class RefreshTokenRecord(AccountRecord account, string familyId)
{
    public AccountRecord Account { get; } = account;

    public string FamilyId { get; } = familyId;

    public bool Consumed { get; set; }
}
