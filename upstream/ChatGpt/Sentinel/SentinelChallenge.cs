using System.Text.Json;
using MirrorGate.Upstream.ChatGpt.Parsing;

namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>
/// A chat-requirements answer (research §3.4): legacy <c>{persona, token, proofofwork, turnstile, arkose, force_login}</c>
/// or newest prepare <c>{persona, prepare_token, token?, proofofwork, turnstile, so, force_login}</c>.
/// </summary>
internal sealed record SentinelChallenge(
    string? Persona,
    string? Token,
    string? PrepareToken,
    bool ProofRequired,
    string Seed,
    string Difficulty,
    bool TurnstileRequired,
    bool ArkoseRequired,
    bool SoRequired,
    bool ForceLogin)
{
    public static SentinelChallenge Parse(JsonElement root)
    {
        var proof = Json.Property(root, "proofofwork");
        return new SentinelChallenge(
            Persona: Json.String(root, "persona"),
            Token: Json.NonEmpty(root, "token"),
            PrepareToken: Json.NonEmpty(root, "prepare_token"),
            ProofRequired: Json.Boolean(proof, "required"),
            // AUR sends "gAAAAAB~S" for an empty seed or difficulty; the solver reaches an equivalent answer at once.
            Seed: Json.String(proof, "seed") ?? string.Empty,
            Difficulty: Json.String(proof, "difficulty") ?? string.Empty,
            TurnstileRequired: Json.Boolean(Json.Property(root, "turnstile"), "required"),
            ArkoseRequired: Json.Boolean(Json.Property(root, "arkose"), "required"),
            SoRequired: Json.Boolean(Json.Property(root, "so"), "required"),
            ForceLogin: Json.Boolean(root, "force_login"));
    }
}
