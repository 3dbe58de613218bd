namespace MirrorGate.Api.Console;

/// <summary>
/// Marks a <c>POST</c> route that only reads (the seeds' list and count routes are POSTs): a console operator may call
/// it, and the audit log does not record it. It still needs the CSRF token, like every non-GET cookie request.
/// </summary>
public sealed class ReadsOnly
{
    public static readonly ReadsOnly Instance = new();

    private ReadsOnly()
    {
    }
}
