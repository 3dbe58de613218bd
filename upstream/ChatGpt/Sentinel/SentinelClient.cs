using System.Text.Json;
using MirrorGate.Upstream.ChatGpt.Http;
using MirrorGate.Upstream.ChatGpt.Parsing;

namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>
/// The sentinel handshake (research §3.4, docs/chatgpt-upstream.md "Chat: two flows"). Newest: prepare
/// <c>{p}</c> → FNV-1a proof → finalize <c>{prepare_token, proofofwork}</c> → token. Legacy:
/// chat-requirements <c>{p}</c> → token + SHA3-512 proof. Turnstile, "so" and arkose are not solved: the
/// research found servers accepting requests without them (XQ sends an empty turnstile token); whether that still
/// holds is uncertain, and a refusal then shows up as a 403 from the conversation call.
/// </summary>
internal sealed class SentinelClient(UpstreamCaller caller, UpstreamRequestFactory requests, ChatGptOptions options)
{
    // Uncertain (research §3.5): real browsers put a page script URL and the page's data-build id here. We do not
    // scrape the page; these are plausible fixed values.
    private const string BuildId = "prod-9b8f6c3e1d2a4f5b6c7d8e9f0a1b2c3d4e5f6a7b";

    // Searches expected to take longer than this run on the thread pool rather than on the caller's scheduler.
    private const double InlineIterationBudget = 4096;

    private readonly string _scriptUrl = options.BackendBaseUrl.GetLeftPart(UriPartial.Authority) + "/backend-api/sentinel/sdk.js";

    public Task<UpstreamResult<SentinelTokens>> RunAsync(UpstreamCredential credential, CancellationToken cancellationToken) =>
        options.Flow == ChatGptFlow.Newest ? NewestAsync(credential, cancellationToken) : LegacyAsync(credential, cancellationToken);

    private async Task<UpstreamResult<SentinelTokens>> NewestAsync(UpstreamCredential credential, CancellationToken cancellationToken)
    {
        var config = CreateConfig(credential, newest: true);
        var prepared = await ChallengeAsync(credential, UpstreamEndpoint.SentinelPrepare, ProofOfWork.RequirementsToken(config, newest: true), cancellationToken);
        if (!prepared.IsSuccess)
        {
            return UpstreamResult<SentinelTokens>.Fail(prepared.Failure);
        }

        var challenge = prepared.Value;
        if (challenge.PrepareToken is null)
        {
            return UpstreamResult<SentinelTokens>.Fail(Json.Protocol(200, "The sentinel prepare answered without a prepare_token."));
        }

        SkipUnsolvable(credential, challenge);
        var proof = challenge.ProofRequired
            ? await SolveAsync(credential, config, challenge, ProofOfWorkHash.Fnv1a, newest: true, cancellationToken)
            : null;
        var body = JsonBody.Write((challenge.PrepareToken, Proof: proof), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString("prepare_token", state.PrepareToken);
            if (state.Proof is not null)
            {
                writer.WriteString("proofofwork", state.Proof);
            }

            writer.WriteEndObject();
        });
        var request = requests.Backend(HttpMethod.Post, credential, UpstreamEndpoint.SentinelFinalize, body);
        return await caller.SendJsonAsync(request, credential.ProxyUrl, credential.LogId, (root, _) =>
            // AUR falls back to the prepare answer's token when finalize gives none.
            (Json.NonEmpty(root, "token") ?? challenge.Token) is { } token
                ? UpstreamResult<SentinelTokens>.Ok(new SentinelTokens(token, proof))
                : UpstreamResult<SentinelTokens>.Fail(Json.Protocol(200, "The sentinel finalize answered without a token.")),
            cancellationToken);
    }

    private async Task<UpstreamResult<SentinelTokens>> LegacyAsync(UpstreamCredential credential, CancellationToken cancellationToken)
    {
        var config = CreateConfig(credential, newest: false);
        var answered = await ChallengeAsync(credential, UpstreamEndpoint.SentinelLegacy, ProofOfWork.RequirementsToken(config, newest: false), cancellationToken);
        if (!answered.IsSuccess)
        {
            return UpstreamResult<SentinelTokens>.Fail(answered.Failure);
        }

        var challenge = answered.Value;
        if (challenge.Token is null)
        {
            return UpstreamResult<SentinelTokens>.Fail(Json.Protocol(200, "The sentinel answered without a chat-requirements token."));
        }

        if (challenge.ProofRequired && !ProofOfWork.IsSupported(ProofOfWorkHash.Sha3512))
        {
            return UpstreamResult<SentinelTokens>.Fail(new UpstreamFailure(
                UpstreamFailureKind.Protocol, null, "SHA3-512 is not available on this platform (OpenSSL 1.1.1 or later is needed).", "sha3_unsupported"));
        }

        SkipUnsolvable(credential, challenge);
        var proof = challenge.ProofRequired
            ? await SolveAsync(credential, config, challenge, ProofOfWorkHash.Sha3512, newest: false, cancellationToken)
            : null;
        return UpstreamResult<SentinelTokens>.Ok(new SentinelTokens(challenge.Token, proof));
    }

    private async Task<UpstreamResult<SentinelChallenge>> ChallengeAsync(
        UpstreamCredential credential, string endpoint, string requirementsToken, CancellationToken cancellationToken)
    {
        var body = JsonBody.Write(requirementsToken, static (writer, p) =>
        {
            writer.WriteStartObject();
            writer.WriteString("p", p);
            writer.WriteEndObject();
        });
        var request = requests.Backend(HttpMethod.Post, credential, endpoint, body);
        var answered = await caller.SendJsonAsync(
            request, credential.ProxyUrl, credential.LogId,
            static (root, _) => root.ValueKind == JsonValueKind.Object
                ? UpstreamResult<SentinelChallenge>.Ok(SentinelChallenge.Parse(root))
                : UpstreamResult<SentinelChallenge>.Fail(Json.Protocol(200, "The sentinel answered something other than an object.")),
            cancellationToken);
        if (answered.IsSuccess && answered.Value.ForceLogin)
        {
            // Logged in: the server wants a new login, like an expired token (AUR). Anonymous: this device/IP may
            // not chat without an account; the pool should stop using it.
            return UpstreamResult<SentinelChallenge>.Fail(new UpstreamFailure(
                credential.IsAnonymous ? UpstreamFailureKind.Forbidden : UpstreamFailureKind.Unauthorized,
                200, "The sentinel requires a login (force_login).", "force_login"));
        }

        return answered;
    }

    private async Task<string> SolveAsync(
        UpstreamCredential credential, ProofOfWorkConfig config, SentinelChallenge challenge, ProofOfWorkHash hash, bool newest, CancellationToken cancellationToken)
    {
        var timeProvider = caller.TimeProvider;
        var started = timeProvider.GetTimestamp();
        var solution = ProofOfWork.ExpectedIterations(challenge.Difficulty) <= InlineIterationBudget
            ? Solve()
            : await Task.Run(Solve, cancellationToken);
        if (solution.Solved)
        {
            ChatGptLog.ProofSolved(caller.Logger, credential.LogId, hash.ToString(), challenge.Difficulty, solution.Iterations,
                timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        else
        {
            ChatGptLog.ProofUnsolved(caller.Logger, credential.LogId, hash.ToString(), challenge.Difficulty, solution.Iterations);
        }

        return solution.Token;

        ProofOfWorkSolution Solve() => ProofOfWork.Solve(
            config, challenge.Seed, challenge.Difficulty, hash, newest, options.MaxProofOfWorkIterations, timeProvider, cancellationToken);
    }

    private ProofOfWorkConfig CreateConfig(UpstreamCredential credential, bool newest) =>
        ProofOfWorkConfig.Create(new ProofOfWorkConfigInput(
            options.UserAgent, credential.DeviceId, _scriptUrl, BuildId, caller.TimeProvider.GetUtcNow(), WithWindowProbes: newest));

    private void SkipUnsolvable(UpstreamCredential credential, SentinelChallenge challenge)
    {
        if (challenge.TurnstileRequired)
        {
            ChatGptLog.ChallengeSkipped(caller.Logger, credential.LogId, "turnstile");
        }

        if (challenge.SoRequired)
        {
            ChatGptLog.ChallengeSkipped(caller.Logger, credential.LogId, "so");
        }

        if (challenge.ArkoseRequired)
        {
            ChatGptLog.ChallengeSkipped(caller.Logger, credential.LogId, "arkose");
        }
    }
}
