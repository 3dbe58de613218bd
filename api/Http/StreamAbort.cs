namespace MirrorGate.Api.Http;

/// <summary>
/// Ends a stream that broke after its first byte. The error event already written is what OpenAI's
/// SDKs look for; aborting the connection afterwards makes sure that clients which ignore it still
/// see a failure (no chunked-encoding terminator), never a clean end. An abort drops whatever the
/// transport has not sent yet, so the event gets a moment to leave first.
/// </summary>
public static class StreamAbort
{
    private static readonly TimeSpan DeliveryGrace = TimeSpan.FromMilliseconds(100);

    public static async Task AfterDeliveryAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(DeliveryGrace, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client is already gone.
        }

        context.Abort();
    }
}
