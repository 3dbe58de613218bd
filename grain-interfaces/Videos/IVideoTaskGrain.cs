using MirrorGate.GrainInterfaces.Wallets;

namespace MirrorGate.GrainInterfaces.Videos;

/// <summary>
/// One asynchronous video task (key: the gateway's task id, the <c>taskid</c> clients see). It reserves the task's
/// price on the customer's wallet, submits the task upstream, follows it (a poll on a timer, resumed by a reminder on
/// whichever silo holds it after a node dies, and the upstream's callbacks), fails it after a timeout, and settles the
/// reservation exactly once: charged on success, released on failure or timeout.
/// </summary>
[Alias("mg.IVideoTaskGrain")]
public interface IVideoTaskGrain : IGrainWithStringKey
{
    /// <summary>Reserves, stores and submits the task; asking again with the same key returns the stored task and does nothing more.</summary>
    Task<VideoStartResult> StartAsync(VideoTaskStart start);

    /// <summary>The task as it stands, or null when no task has this id.</summary>
    Task<VideoTaskView?> GetAsync();

    /// <summary>
    /// The upstream called back about its task <paramref name="upstreamTaskId"/> (signature already checked). The grain
    /// confirms the state with its own query before acting, so a repeated or stale callback changes nothing twice.
    /// False when this task is not that upstream task.
    /// </summary>
    Task<bool> ReportCallbackAsync(string upstreamTaskId);
}

/// <summary>
/// What a task needs to start: who asked, the upstream call (<paramref name="Kind"/> = Vidu's submit endpoint,
/// <paramref name="UpstreamBody"/> its JSON without <c>callback_url</c>), the order a success settles (its amount is
/// what is reserved), and where the upstream may call back (null: poll only).
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.VideoTaskStart")]
public sealed record VideoTaskStart(
    [property: Id(0)] string UserId,
    [property: Id(1)] string OrgId,
    [property: Id(2)] string Kind,
    [property: Id(3)] string UpstreamBody,
    [property: Id(4)] ChargeOrder Order,
    [property: Id(5)] string? CallbackUrl)
{
    /// <summary>Not the body: it holds the user's prompt and images.</summary>
    public override string ToString() => $"VideoTaskStart {{ UserId = {UserId}, OrgId = {OrgId}, Kind = {Kind}, Amount = {Order.Amount} }}";
}

/// <summary>The task, or why it was not started (<see cref="VideoRefusal"/>); nothing is stored or held on a refusal.</summary>
[GenerateSerializer, Immutable, Alias("mg.VideoStartResult")]
public sealed record VideoStartResult([property: Id(0)] VideoTaskView? Task, [property: Id(1)] VideoRefusal? Refusal);

[Alias("mg.VideoRefusal")]
public enum VideoRefusal
{
    /// <summary>The wallet cannot cover the price (<c>账户余额不够</c>).</summary>
    InsufficientBalance,

    /// <summary>The wallet refused the reservation for another reason (an invalid amount).</summary>
    WalletRefused,
}

/// <summary>
/// A task as clients see it. <see cref="Status"/> is the original's (<see cref="VideoStatus"/>); <see cref="State"/>
/// is the upstream's own (<c>created</c>, <c>queueing</c>, <c>processing</c>, <c>success</c>, <c>failed</c>) or
/// <c>submitting</c> before the upstream answered.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.VideoTaskView")]
public sealed record VideoTaskView(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string UserId,
    [property: Id(2)] string Status,
    [property: Id(3)] string State,
    [property: Id(4)] int? Progress,
    [property: Id(5)] string? Video,
    [property: Id(6)] string? Cover,
    [property: Id(7)] string? Error,
    [property: Id(8)] string UsageJson,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] VideoSettlement Settlement,
    [property: Id(12)] string Model)
{
    public bool IsFinished => Status is VideoStatus.Succeeded or VideoStatus.Failed;
}

/// <summary>The original's task statuses (research D.3/D.7): in progress is <c>PENDING</c>.</summary>
public static class VideoStatus
{
    public const string Pending = "PENDING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
}

/// <summary>Where the task's reservation stands.</summary>
[Alias("mg.VideoSettlement")]
public enum VideoSettlement
{
    /// <summary>Held on the wallet while the task runs (or while a finished task's settle is being retried).</summary>
    Held,

    /// <summary>Charged, with its order (success).</summary>
    Charged,

    /// <summary>Given back (failure or timeout).</summary>
    Released,
}
