using MirrorGate.UpstreamSim.Accounts;

namespace MirrorGate.UpstreamSim.Tokens;

/// <summary>What the simulator remembers about an access token it issued.</summary>
/// <param name="Account">Owner.</param>
/// <param name="Serial">Issue order, compared with the account's revocation watermark.</param>
/// <param name="FamilyId">Refresh-token grant it came from; null for session or test-issued tokens.</param>
/// <param name="ExpiresAtUnix">The JWT's <c>exp</c> claim (the same value, kept here so a check needs no parse).</param>
internal sealed record AccessTokenRecord(AccountRecord Account, long Serial, string? FamilyId, long ExpiresAtUnix);
