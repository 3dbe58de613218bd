using MirrorGate.GrainInterfaces.Secrets;

namespace MirrorGate.GrainInterfaces.Hooks;

/// <summary>
/// One notify delivery to the operator's Notify hook (key: the delivery id, which is the chat turn's request id and
/// the <c>Idempotency-Key</c> header of every attempt). The delivery is stored, with a reminder, before
/// <see cref="EnqueueAsync"/> returns: from then on a node's death or restart does not lose it, and it is sent until
/// the hook answers 2xx (then forgotten) or the retries run out.
/// </summary>
[Alias("mg.INotifyOutboxGrain")]
public interface INotifyOutboxGrain : IGrainWithStringKey
{
    /// <summary>Stores the delivery and starts sending it, without waiting for the hook. Asking again with the same key stores nothing more.</summary>
    Task EnqueueAsync(NotifyDelivery delivery);
}

/// <summary>
/// What a notify delivery sends: <paramref name="Body"/> (the upstream request body, JSON) to <paramref name="Url"/>
/// (the Notify URL where the turn was accepted), with <c>Authorization: Bearer</c> <paramref name="UserToken"/> and
/// <c>queries</c> <paramref name="Queries"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.NotifyDelivery")]
public sealed record NotifyDelivery(
    [property: Id(0)] string Url,
    [property: Id(1)] string Body,
    [property: Id(2)] Secret UserToken,
    [property: Id(3)] int Queries,
    [property: Id(4)] DateTimeOffset AcceptedAt)
{
    /// <summary>Not the body: it is the user's conversation.</summary>
    public override string ToString() => $"NotifyDelivery {{ Queries = {Queries}, AcceptedAt = {AcceptedAt:O} }}";
}
