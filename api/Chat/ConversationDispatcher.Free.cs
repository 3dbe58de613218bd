using System.Text.Json.Nodes;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Api.Chat;

public sealed partial class ConversationDispatcher
{
    /// <summary>Aurora retries an anonymous device the upstream refused with a fresh one, at most twice.</summary>
    private const int FreeAttempts = 2;

    /// <summary>
    /// No logged-in account can serve a pool caller: a free device id may, on the anonymous path, for a model of the free
    /// plan only (Aurora's fallback from logged-in to no-auth accounts). A refused device (401, or 403 from a sentinel that
    /// forces a login) is swapped for another; anything else is answered as it is.
    /// </summary>
    private async Task<DispatchResult> StartFreeAsync(ModelDefinition model, JsonObject body, GatewayFailure noAccount, CancellationToken cancellationToken)
    {
        if (!ModelCatalog.PlanFits("free", model))
        {
            return DispatchResult.Failed(noAccount);
        }

        GatewayFailure? last = null;
        for (var attempt = 0; attempt < FreeAttempts && free.TryNext(out var device); attempt++)
        {
            var result = await upstream.StartConversationAsync(device, body, cancellationToken);
            if (result.IsSuccess)
            {
                return DispatchResult.Started(new UpstreamTurn(result.Value!, null, null));
            }

            var failure = result.Failure!;
            last = ToFailure(failure, ownCredential: false);
            if (failure.Kind is not (UpstreamFailureKind.Unauthorized or UpstreamFailureKind.Forbidden))
            {
                break;
            }

            free.Refused(device);
            LogFailover(logger, device.LogId, failure.Code ?? failure.Kind.ToString(), attempt + 1);
        }

        return DispatchResult.Failed(last ?? noAccount);
    }
}
