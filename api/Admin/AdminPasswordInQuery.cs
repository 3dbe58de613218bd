namespace MirrorGate.Api.Admin;

/// <summary>
/// Endpoint metadata: <see cref="AdminAuthFilter"/> also takes the admin password as <c>?admin_password=</c>, the form
/// chatgpt-gateway documents for <c>/api/check-proxy</c>. Only routes that carry it accept it: a password in a URL
/// ends up in browser histories and proxy logs (our own request log records the path only, never the query).
/// </summary>
public sealed class AdminPasswordInQuery
{
    public static readonly AdminPasswordInQuery Instance = new();

    private AdminPasswordInQuery()
    {
    }
}
