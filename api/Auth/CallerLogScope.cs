namespace MirrorGate.Api.Auth;

/// <summary>
/// Opens a log scope naming the resolved caller (user, account), so every event a request causes
/// carries them beside the request id. Only ids: never the bearer value.
/// </summary>
public sealed class CallerLogScope(ILogger<CallerLogScope> logger)
{
    public IDisposable? Begin(Caller caller) => logger.BeginScope(new Dictionary<string, object?>
    {
        ["Caller"] = caller.LogId,
        ["UserName"] = caller.UserName,
        ["AccountId"] = caller.AccountId ?? caller.Credential?.LogId,
        ["PlatformOrgId"] = caller.PlatformOrgId,
    });
}
