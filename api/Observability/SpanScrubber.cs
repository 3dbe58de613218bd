using System.Diagnostics;
using OpenTelemetry;

namespace MirrorGate.Api.Observability;

/// <summary>
/// Keeps secrets out of exported spans: bearer values travel in headers, which no instrumentation here records, but
/// paths and query strings can carry them (an admin password in <c>?admin_password=</c>, a token in a link, a channel
/// whose base URL holds a key in its query). So a server span's path becomes its route pattern, a client span's URL
/// loses its query and user info, and no query string is exported at all.
/// </summary>
internal sealed class SpanScrubber : BaseProcessor<Activity>
{
    public override void OnEnd(Activity activity)
    {
        if (activity.GetTagItem("url.query") is not null)
        {
            activity.SetTag("url.query", null);
        }

        if (activity.Kind is ActivityKind.Server && activity.GetTagItem("url.path") is not null)
        {
            activity.SetTag("url.path", activity.GetTagItem("http.route") as string ?? "(unmatched)");
        }

        if (activity.GetTagItem("url.full") is string full && Uri.TryCreate(full, UriKind.Absolute, out var url))
        {
            activity.SetTag("url.full", url.GetLeftPart(UriPartial.Path).Replace(url.UserInfo + "@", string.Empty, StringComparison.Ordinal));
        }

        if (activity.Kind is ActivityKind.Server && activity.DisplayName.Contains('?', StringComparison.Ordinal))
        {
            activity.DisplayName = activity.DisplayName[..activity.DisplayName.IndexOf('?', StringComparison.Ordinal)];
        }
    }
}
