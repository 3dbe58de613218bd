using Microsoft.Extensions.Logging;
using MirrorGate.Upstream.ChatGpt.Streaming;

namespace MirrorGate.Upstream.ChatGpt.Http;

/// <summary>What a <see cref="ConversationStream"/> needs to log its outcome.</summary>
internal sealed class StreamContext(ILogger logger, TimeProvider timeProvider, string logId, string endpoint, long startedTimestamp)
{
    public void Completed(ConversationDecoder decoder) =>
        ChatGptLog.StreamCompleted(logger, logId, endpoint, decoder.Encoding.ToString(), Elapsed());

    public void Broken(UpstreamStreamBrokenException exception) =>
        ChatGptLog.StreamBroken(logger, logId, endpoint, Elapsed(), exception.Message);

    private double Elapsed() => timeProvider.GetElapsedTime(startedTimestamp).TotalMilliseconds;
}
