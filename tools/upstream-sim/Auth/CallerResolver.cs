using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Http;
using MirrorGate.UpstreamSim.Tokens;

namespace MirrorGate.UpstreamSim.Auth;

/// <summary>Authenticates a backend call and counts it (attributed to the bearer's account even when the
/// bearer is rejected, so tests can see a gateway that keeps sending a dead token).</summary>
internal sealed class CallerResolver(AccessTokenBook accessTokens, CallCounter calls, ILogger<CallerResolver> logger)
{
    public const string WorkspaceHeader = "ChatGPT-Account-ID";
    public const string DeviceHeader = "Oai-Device-Id";

    public (Caller? Caller, IResult? Error) Resolve(HttpContext context, string endpoint, bool anonymous)
    {
        var request = context.Request;
        if (anonymous)
        {
            calls.Record(endpoint, null);
            var device = request.Headers[DeviceHeader].ToString();
            if (device.Length == 0)
            {
                device = request.Cookies["oai-did"] ?? "";
            }

            return Guid.TryParse(device, out _)
                ? (new Caller(null, device, null), null)
                : Reject(endpoint, "no device id", UpstreamErrors.MissingDevice());
        }

        var bearer = ReadBearer(request);
        if (bearer is null)
        {
            calls.Record(endpoint, null);
            return Reject(endpoint, "no bearer", UpstreamErrors.TokenExpired());
        }

        var (status, record) = accessTokens.Check(bearer);
        calls.Record(endpoint, record?.Account.Email);
        if (status != AccessTokenStatus.Valid || record is null)
        {
            return Reject(endpoint, status.ToString(), UpstreamErrors.TokenExpired());
        }

        var account = record.Account;
        var workspace = request.Headers[WorkspaceHeader].ToString();
        if (workspace.Length == 0 || workspace == account.Account.AccountId)
        {
            return (new Caller(account, null, null), null);
        }

        // A workspace the user is not a member of. The real status and body are not captured (uncertain);
        // 403 makes a gateway that sends the wrong ChatGPT-Account-ID fail loudly.
        return workspace == account.Account.TeamAccountId
            ? (new Caller(account, null, workspace), null)
            : Reject(endpoint, "unknown workspace", UpstreamErrors.Forbidden("You do not have access to this workspace."));
    }

    private static string? ReadBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        return header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && header.Length > Prefix.Length
            ? header[Prefix.Length..].Trim()
            : null;
    }

    private (Caller?, IResult?) Reject(string endpoint, string reason, IResult error)
    {
        SimLog.BearerRejected(logger, endpoint, reason);
        return (null, error);
    }
}
