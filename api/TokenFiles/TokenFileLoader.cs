using MirrorGate.Api.Pool;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Grains.Accounts;
using MirrorGate.Grains.Secrets;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.TokenFiles;

/// <summary>
/// Reads the token files and registers every line not registered yet, through <see cref="AccountOnboarding"/> (so
/// refresh and session tokens are spent in their onboarding grain, once each), then publishes the account into
/// this node's pool so it serves at once. Called by one loop only, so its memory needs no lock.
/// </summary>
internal sealed partial class TokenFileLoader(
    AccountOnboarding onboarding,
    AccountPool pool,
    IGrainFactory grains,
    SecretProtector protector,
    IOptions<TokenFilesOptions> options,
    ILogger<TokenFileLoader> logger)
{
    /// <summary>Lines registered by this node (keyed hash of the token, plus the team id): skipped on every later read.</summary>
    private readonly HashSet<string> _registered = new(StringComparer.Ordinal);

    /// <summary>Lines that failed, with how: a line failing the same way again is logged at debug, not every re-scan.</summary>
    private readonly Dictionary<string, AccountError?> _failed = new(StringComparer.Ordinal);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        foreach (var (kind, fileName) in settings.Files)
        {
            var path = Path.Combine(settings.FullDirectory, fileName);
            IReadOnlyList<TokenFileLine> lines;
            try
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                lines = TokenFileLine.Parse(await File.ReadAllLinesAsync(path, cancellationToken));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Often a writer holding the file mid-save; the change event that follows, or the re-scan, reads it again.
                LogReadFailed(logger, fileName, ex.GetType().Name);
                continue;
            }

            foreach (var line in lines)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await RegisterAsync(kind, fileName, line);
            }
        }
    }

    private async Task RegisterAsync(TokenFileKind kind, string fileName, TokenFileLine line)
    {
        var key = protector.LookupHash(line.Token) + "|" + line.TeamAccountId;
        if (_registered.Contains(key))
        {
            return;
        }

        AccountResult result;
        try
        {
            result = await RegisterOnceAsync(kind, line);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only the type: a grain call's exception message is not ours to vouch for, and the line holds a token.
            result = AccountResult.Fail(AccountError.UpstreamUnavailable, "The registration threw " + ex.GetType().Name + ".");
        }

        if (result.Succeeded)
        {
            _registered.Add(key);
            _failed.Remove(key);
            pool.Publish(result.Snapshot!);
            LogRegistered(logger, fileName, line.LineNumber, result.Snapshot!.AccountId, line.TeamAccountId is not null);
            return;
        }

        if (_failed.TryGetValue(key, out var before) && before == result.Error)
        {
            LogStillFailing(logger, fileName, line.LineNumber, result.Error, result.Message);
        }
        else
        {
            LogFailed(logger, fileName, line.LineNumber, result.Error, result.Message);
        }

        _failed[key] = result.Error;
    }

    private async Task<AccountResult> RegisterOnceAsync(TokenFileKind kind, TokenFileLine line)
    {
        var token = new Secret(line.Token);
        if (kind is not TokenFileKind.Access && await onboarding.ImportedAccountIdAsync(token) is { } imported)
        {
            // Imported before (by this node before a restart, or by another node reading the same file): spending it
            // again would be refused, and its account already holds the rotated tokens. Read that account instead.
            return await grains.GetGrain<IAccountGrain>(imported).GetSnapshotAsync() is { } snapshot
                ? AccountResult.Ok(snapshot, null)
                : AccountResult.Fail(AccountError.Unusable, $"The token was imported into account {imported}, which no longer exists.");
        }

        return await onboarding.OnboardAsync(kind switch
        {
            TokenFileKind.Access => new AccountRegistration(token, null, null, line.TeamAccountId),
            TokenFileKind.Refresh => new AccountRegistration(null, token, null, line.TeamAccountId),
            _ => new AccountRegistration(null, null, token, line.TeamAccountId),
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Token file {FileName} line {LineNumber}: account {AccountId} registered (Team workspace: {HasTeam})")]
    private static partial void LogRegistered(ILogger logger, string fileName, int lineNumber, string accountId, bool hasTeam);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token file {FileName} line {LineNumber} was not registered ({Error}): {Reason} It is tried again on the next change or re-scan.")]
    private static partial void LogFailed(ILogger logger, string fileName, int lineNumber, AccountError? error, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Token file {FileName} line {LineNumber} still not registered ({Error}): {Reason}")]
    private static partial void LogStillFailing(ILogger logger, string fileName, int lineNumber, AccountError? error, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token file {FileName} could not be read ({ExceptionType}); it is read again on the next change or re-scan")]
    private static partial void LogReadFailed(ILogger logger, string fileName, string exceptionType);
}
