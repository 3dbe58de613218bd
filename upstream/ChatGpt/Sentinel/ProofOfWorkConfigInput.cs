namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>The request-specific facts a <see cref="ProofOfWorkConfig"/> is built from.</summary>
/// <param name="UserAgent">The user agent the HTTP calls send; the two must agree.</param>
/// <param name="DeviceId">The account's device UUID (index 14).</param>
/// <param name="ScriptUrl">A page script URL (index 5).</param>
/// <param name="BuildId">The web build id, <c>prod-…</c> (index 6).</param>
/// <param name="UtcNow">The clock reading for the date and time-origin elements.</param>
/// <param name="WithWindowProbes">True on the newest flow: 25 elements instead of 18.</param>
internal sealed record ProofOfWorkConfigInput(
    string UserAgent,
    string DeviceId,
    string ScriptUrl,
    string BuildId,
    DateTimeOffset UtcNow,
    bool WithWindowProbes);
