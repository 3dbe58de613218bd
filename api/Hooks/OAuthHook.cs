using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.GrainInterfaces.Tokens;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Grains.Hooks;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Tokens;
using MirrorGate.Grains.Users;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Hooks;

/// <summary>
/// SoruxGPT's OAuth hook: a bearer this gateway does not know is POSTed as form-data <c>usertoken</c> to
/// <c>Hooks:OAuthUrl</c>. <c>code</c> 1 (or <c>"1"</c>, <c>true</c>) makes it an activation code of a user, stored
/// with the answer's profile, pool preference, API key and <c>forcetoken</c>; the next requests use the stored code
/// without asking, until <c>Hooks:OAuthCacheLifetime</c> has passed; then the hook is asked again, and a refusal
/// revokes the code (and its API key). Any other <c>code</c>, or a hook that cannot be asked, is a 401 with the
/// hook's <c>msg</c> when it sent one.
/// </summary>
/// <remarks>
/// <para>The user is the one whose real token (<c>forcetoken</c>, else the bearer) the answer names: its name is
/// <c>oauth-</c> and 16 hex characters of that token's keyed hash. <c>uid</c> is kept in the profile, not used as the
/// key: SoruxGPT's default of 1 would otherwise merge every hook that leaves it out into one user.</para>
/// <para>The codes allow every plan tier (<see cref="Plan"/>): which models a user may ask for is the operator's
/// audit's decision, and <c>priority</c> is a preference of accounts, not a cap.</para>
/// </remarks>
public sealed partial class OAuthHook(
    HookTransport transport,
    IOptionsMonitor<HooksOptions> options,
    IGrainFactory grains,
    UserTokens tokens,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<OAuthHook> logger)
{
    /// <summary>The plan tier of the codes the hook vouches for.</summary>
    public const string Plan = "pro";

    private const string RefusedMessage = "The sign-in was refused.";
    private const string UnavailableMessage = "The sign-in service is unavailable; try again later.";
    private const int MaxForceTokenLength = 4096;

    private static readonly string[] Priorities = ["pro", "team", "plus"];

    // The same bearer asked about by concurrent requests on this node: one hook call answers them all.
    private readonly ConcurrentDictionary<string, Lazy<Task<OAuthVerdict>>> _asking = new(StringComparer.Ordinal);

    public bool Enabled => options.CurrentValue.OAuthUri is not null;

    /// <summary>A bearer no lookup found: asks the hook, and on <c>code</c> 1 issues it as a code.</summary>
    public Task<OAuthVerdict> SignInAsync(string bearer) => OnceAsync(bearer, () => SignInCoreAsync(bearer));

    /// <summary>A credential the hook vouched for, whose check is due (<see cref="TokenRecord.RecheckAt"/>).</summary>
    public Task<OAuthVerdict> RecheckAsync(string bearer, TokenRecord held) => OnceAsync(bearer, () => RecheckCoreAsync(bearer, held));

    private async Task<OAuthVerdict> OnceAsync(string bearer, Func<Task<OAuthVerdict>> ask)
    {
        var key = tokens.IndexKey(bearer);
        var asking = _asking.GetOrAdd(key, _ => new Lazy<Task<OAuthVerdict>>(ask));
        try
        {
            return await asking.Value;
        }
        finally
        {
            _asking.TryRemove(KeyValuePair.Create(key, asking));
        }
    }

    private async Task<OAuthVerdict> SignInCoreAsync(string bearer)
    {
        var answer = await AskAsync(bearer);
        return answer.Kind switch
        {
            OAuthAnswerKind.Granted => await ApplyAsync(bearer, answer),
            OAuthAnswerKind.Refused => OAuthVerdict.Refused(answer.Message ?? RefusedMessage),
            _ => OAuthVerdict.Failed(answer.Message ?? UnavailableMessage),
        };
    }

    private async Task<OAuthVerdict> RecheckCoreAsync(string bearer, TokenRecord held)
    {
        var holder = grains.GetGrain<IUserGrain>(held.UserName);

        // An API key is checked by asking about the bearer it was handed out with.
        if (await holder.GetOAuthUserTokenAsync(tokens.IndexKey(bearer)) is not { } asked)
        {
            return OAuthVerdict.Refused("This credential is no longer valid.");
        }

        var answer = await AskAsync(asked.Value);
        switch (answer.Kind)
        {
            case OAuthAnswerKind.Refused:
                await holder.EndOAuthSignInAsync(asked.Value);
                LogRevoked(logger, held.UserName);
                return OAuthVerdict.Refused(answer.Message ?? RefusedMessage);
            case OAuthAnswerKind.Failing:
                return options.CurrentValue.FailOpen ? OAuthVerdict.Vouched(held) : OAuthVerdict.Failed(answer.Message ?? UnavailableMessage);
        }

        if (UserNameFor(answer.ForceToken ?? asked.Value) != held.UserName)
        {
            // The hook now names another real token: the credentials move to that user.
            await holder.EndOAuthSignInAsync(asked.Value);
        }

        var verdict = await ApplyAsync(asked.Value, answer);
        if (verdict.Record is null || asked.Value == bearer)
        {
            return verdict;
        }

        return await grains.GetGrain<ITokenGrain>(tokens.IndexKey(bearer)).ResolveAsync() is { RecheckAt: not null } renewed
            ? OAuthVerdict.Vouched(renewed)
            : OAuthVerdict.Refused("This API key is no longer valid.");
    }

    private async Task<OAuthVerdict> ApplyAsync(string userToken, OAuthAnswer answer)
    {
        var userName = UserNameFor(answer.ForceToken ?? userToken);
        var signIn = new OAuthSignIn(new Secret(userToken), answer.Profile, answer.PreferredPlan, Secret.From(answer.ApiKey), Secret.From(answer.ForceToken),
            time.GetUtcNow() + options.CurrentValue.OAuthCacheLifetime, Plan);
        var result = await grains.GetGrain<IUserGrain>(userName).SignInWithOAuthAsync(signIn);
        if (result.ApiKeyRefusal is { } keyRefusal)
        {
            LogApiKeyNotIssued(logger, userName, keyRefusal);
        }

        if (result.Record is not { } record)
        {
            return OAuthVerdict.Refused(result.Refusal!);
        }

        LogSignedIn(logger, userName);
        return OAuthVerdict.Vouched(record);
    }

    private string UserNameFor(string realToken) => "oauth-" + tokens.IndexKey(realToken)[..16];

    private async Task<OAuthAnswer> AskAsync(string userToken)
    {
        if (options.CurrentValue.OAuthUri is not { } url)
        {
            return OAuthAnswer.Failing(null);
        }

        var reply = await transport.PostFormAsync("oauth", url, [KeyValuePair.Create("usertoken", userToken)], CancellationToken.None);
        var json = reply.Answered ? HookAnswers.Object(reply.Body) : null;
        var message = HookAnswers.Text(json?["msg"]) ?? HookAnswers.Message(json);
        if (!reply.IsSuccess || json is null || json["code"] is not JsonValue code)
        {
            if (reply.Answered)
            {
                LogUnreadable(logger, reply.Status!.Value);
            }

            return OAuthAnswer.Failing(message);
        }

        if (!IsSuccessCode(code))
        {
            return OAuthAnswer.Refused(message);
        }

        var profile = new UserProfile(
            Avatar: HookAnswers.Text(json["avatar"]) is { } avatar && Uri.TryCreate(avatar, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? avatar : null,
            Email: HookAnswers.Text(json["email"])?.Trim() is { Length: > 0 } email ? email : UserProfile.DefaultEmail,
            Nickname: HookAnswers.Text(json["nickname"])?.Trim() is { Length: > 0 } nickname ? nickname : UserProfile.DefaultNickname,
            Uid: Uid(json["uid"]) ?? UserProfile.DefaultUid);
        var priority = HookAnswers.Text(json["priority"])?.Trim().ToLowerInvariant();
        var apiKey = HookAnswers.Text(json["apikey"]);
        if (apiKey is not null && (ActivationCodeRules.Problem(apiKey) ?? (apiKey == userToken ? "it is the bearer itself" : null)) is { } problem)
        {
            LogApiKeyIgnored(logger, problem);
            apiKey = null;
        }

        var forceToken = HookAnswers.Text(json["forcetoken"]) is { Length: <= MaxForceTokenLength } force && ActivationCodeRules.IsPrintable(force) ? force : null;
        return new OAuthAnswer(OAuthAnswerKind.Granted, message, profile, Priorities.Contains(priority) ? priority : null, apiKey, forceToken);
    }

    /// <summary>SoruxGPT's <c>code</c> 1, also sent as <c>"1"</c> or <c>true</c> by hooks in looser languages.</summary>
    private static bool IsSuccessCode(JsonValue code) => code.GetValueKind() switch
    {
        JsonValueKind.Number => code.TryGetValue<decimal>(out var number) && number == 1,
        JsonValueKind.String => code.GetValue<string>().Trim() == "1",
        JsonValueKind.True => true,
        _ => false,
    };

    /// <summary><c>uid</c> as a string or a number; null when missing or of another type.</summary>
    private static string? Uid(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => HookAnswers.Text(value)?.Trim() is { Length: > 0 } text ? text : null,
            JsonValueKind.Number => value.TryGetValue<decimal>(out var number) ? number.ToString(CultureInfo.InvariantCulture) : null,
            _ => null,
        }
        : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "The OAuth hook vouched for a credential of {UserName}")]
    private static partial void LogSignedIn(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "The OAuth hook no longer vouches for a credential of {UserName}; it is revoked")]
    private static partial void LogRevoked(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OAuth hook answered HTTP {Status} without a readable code")]
    private static partial void LogUnreadable(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OAuth hook's apikey is ignored: {Reason}")]
    private static partial void LogApiKeyIgnored(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OAuth hook's apikey for {UserName} was not issued: {Reason}")]
    private static partial void LogApiKeyNotIssued(ILogger logger, string userName, string reason);
}

/// <summary>The credential's record after the hook vouched for it, or why the bearer is refused.</summary>
public sealed record OAuthVerdict(TokenRecord? Record, string? Refusal, bool Unavailable)
{
    public static OAuthVerdict Vouched(TokenRecord record) => new(record, null, false);

    public static OAuthVerdict Refused(string message) => new(null, message, false);

    public static OAuthVerdict Failed(string message) => new(null, message, true);
}

internal enum OAuthAnswerKind
{
    Granted,
    Refused,
    Failing,
}

/// <summary>What the hook said, with SoruxGPT's defaults for the fields it left out or sent in a shape that cannot be used.</summary>
internal sealed record OAuthAnswer(OAuthAnswerKind Kind, string? Message, UserProfile Profile, string? PreferredPlan, string? ApiKey, string? ForceToken)
{
    private static readonly UserProfile Defaults = new(null, UserProfile.DefaultEmail, UserProfile.DefaultNickname, UserProfile.DefaultUid);

    public static OAuthAnswer Refused(string? message) => new(OAuthAnswerKind.Refused, message, Defaults, null, null, null);

    public static OAuthAnswer Failing(string? message) => new(OAuthAnswerKind.Failing, message, Defaults, null, null, null);

    /// <summary>Never the API key or the force token.</summary>
    public override string ToString() => $"OAuthAnswer {{ Kind = {Kind}, Message = {Message} }}";
}
